# Include roots that expose exactly one layer of the source tree.
#
# plainkey_layer_include_root(TARGET LAYER [PUBLIC|PRIVATE])
#   makes ${PROJECT_BINARY_DIR}/include-roots/LAYER/ hold one entry, a symbolic link named LAYER
#   to src/LAYER, and adds that folder to TARGET's include path. Code then includes
#   "LAYER/sub/file.h", and through this root it can reach nothing but LAYER.
#
# Why not src/ as the root: src/ also holds the other layers, so `#include "core/..."` in the
# emulator would compile although the emulator must share no code with the client (it tests
# the client against the contract, and the client tests it). With one root per layer a stray
# include is a compile error. A link, not a copy: edits in src/ need no re-configure, and
# compiler messages point into src/ (GCC keeps the path as written; the link's target is src/).
function(plainkey_layer_include_root target layer)
    set(scope PUBLIC)
    if(ARGC GREATER 2)
        set(scope ${ARGV2})
    endif()
    set(root ${PROJECT_BINARY_DIR}/include-roots/${layer})
    set(source ${PROJECT_SOURCE_DIR}/src/${layer})
    if(NOT IS_DIRECTORY ${source})
        message(FATAL_ERROR "plainkey_layer_include_root: ${source} is not a folder")
    endif()
    file(MAKE_DIRECTORY ${root})
    file(CREATE_LINK ${source} ${root}/${layer} SYMBOLIC)
    target_include_directories(${target} ${scope} ${root})
endfunction()
