# Included by src/gui/CMakeLists.txt: the console's own resources (icons).
# Target-based, so they survive static linking without Q_INIT_RESOURCE.
# The window icon is the application icon of the hicolor theme (every PNG size), so the window,
# the menu entry and the task bar show the same picture; icons/plainkey.png names its 256 px size
# for code that still asks for that path.
set(plainkey_icon_sizes 16 22 24 32 48 64 128 256)
set(plainkey_icon_files)
foreach(size ${plainkey_icon_sizes})
    list(APPEND plainkey_icon_files "${PROJECT_SOURCE_DIR}/resources/icons/hicolor/${size}x${size}/apps/${PLAINKEY_APP_ID}.png")
endforeach()
set(plainkey_icon_alias "${PROJECT_BINARY_DIR}/resources/icons/plainkey.png")
configure_file("${PROJECT_SOURCE_DIR}/resources/icons/hicolor/256x256/apps/${PLAINKEY_APP_ID}.png" "${plainkey_icon_alias}" COPYONLY)
qt_add_resources(plainkey_gui "console_resources"
    PREFIX "/plainkey/console"
    BASE "${PROJECT_SOURCE_DIR}/resources"
    FILES ${plainkey_icon_files})
qt_add_resources(plainkey_gui "console_resources_alias"
    PREFIX "/plainkey/console"
    BASE "${PROJECT_BINARY_DIR}/resources"
    FILES "${plainkey_icon_alias}")
