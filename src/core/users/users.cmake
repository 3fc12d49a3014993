# Included by src/core/CMakeLists.txt: resources of the users and passkeys part of core.
# Target-based resources survive static linking without Q_INIT_RESOURCE.
qt_add_resources(plainkey_core "aaguids"
    PREFIX "/plainkey"
    BASE "${PROJECT_SOURCE_DIR}/resources"
    FILES "${PROJECT_SOURCE_DIR}/resources/aaguids.json")
