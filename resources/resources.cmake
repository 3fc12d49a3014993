# Included by src/gui/CMakeLists.txt: the console's own resources (icons).
# Target-based, so they survive static linking without Q_INIT_RESOURCE.
qt_add_resources(plainkey_gui "console_resources"
    PREFIX "/plainkey/console"
    BASE "${PROJECT_SOURCE_DIR}/resources"
    FILES
        "${PROJECT_SOURCE_DIR}/resources/icons/plainkey.png")
