# Writes a man page from a program's --help, so the two cannot drift: the options, their
# arguments and descriptions are the ones the program prints (QCommandLineParser's help text).
#
# cmake -DPROGRAM=path -DNAME=plainkey-cli -DSUMMARY="one line" -DVERSION=0.1.0 -DSEE_ALSO="a,b"
#       -DOUTPUT=plainkey-cli.1 -P helptoman.cmake
#
# QCommandLineParser's layout: "Usage: NAME [options] ...", the description, then sections
# named by a line ending in ":" ("Options:", "Commands:", "Arguments:"), whose entries are
# "  left<2+ spaces>description" with continuation lines indented further. Text after the last
# section (paragraphs separated by blank lines) becomes NOTES.
foreach(var PROGRAM NAME SUMMARY VERSION OUTPUT)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "helptoman.cmake: -D${var}= is required")
    endif()
endforeach()

# --help must run anywhere the build runs: no display, no session bus, no leak report.
set(ENV{QT_QPA_PLATFORM} offscreen)
set(ENV{ASAN_OPTIONS} detect_leaks=0)
set(ENV{LC_ALL} C.UTF-8)
execute_process(COMMAND ${PROGRAM} --help OUTPUT_VARIABLE help ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR help STREQUAL "")
    message(FATAL_ERROR "helptoman.cmake: ${PROGRAM} --help failed (${rc}): ${err}")
endif()

# roff: a backslash is \e; a line must not start with . or '; a minus in an option is \-.
function(roff_escape text out)
    string(REPLACE "\\" "\\e" text "${text}")
    string(REGEX REPLACE "^([.'])" "\\\\&\\1" text "${text}")
    set(${out} "${text}" PARENT_SCOPE)
endfunction()
function(roff_option text out)
    roff_escape("${text}" text)
    string(REPLACE "-" "\\-" text "${text}")
    set(${out} "${text}" PARENT_SCOPE)
endfunction()

string(TOUPPER "${NAME}" upper)
# string(TIMESTAMP) takes SOURCE_DATE_EPOCH when it is set (reproducible builds).
string(TIMESTAMP date "%Y-%m-%d" UTC)
set(page ".TH ${upper} 1 \"${date}\" \"${NAME} ${VERSION}\" \"User Commands\"\n")
string(APPEND page ".SH NAME\n${NAME} \\- ${SUMMARY}\n")

string(REPLACE ";" "\\;" help "${help}")
string(REPLACE "\n" ";" lines "${help}")
set(section "")      # "" before the first heading, then the heading's name, then NOTES
set(in_entry FALSE)
set(paragraph_open FALSE)
foreach(line IN LISTS lines)
    if(line MATCHES "^Usage: [^ ]+(.*)$")
        # QCommandLineParser names the program as it was started (a path in the build tree).
        roff_option("${NAME}${CMAKE_MATCH_1}" usage)
        string(APPEND page ".SH SYNOPSIS\n${usage}\n.SH DESCRIPTION\n")
        continue()
    endif()
    if(line MATCHES "^([A-Z][A-Za-z ]*):$")
        string(TOUPPER "${CMAKE_MATCH_1}" section)
        string(APPEND page ".SH ${section}\n")
        set(in_entry FALSE)
        continue()
    endif()
    if(line STREQUAL "")
        if(section MATCHES "^(OPTIONS|COMMANDS|ARGUMENTS)$")
            set(section AFTER) # NOTES, if text follows before the next heading
        elseif(NOT page MATCHES "\n\\.(SH [A-Z ]+|PP)\n$")
            string(APPEND page ".PP\n")
        endif()
        set(in_entry FALSE)
        continue()
    endif()
    if(section STREQUAL "AFTER")
        set(section NOTES)
        string(APPEND page ".SH NOTES\n")
    endif()
    if(section MATCHES "^(OPTIONS|COMMANDS|ARGUMENTS)$" AND line MATCHES "^  ([^ ].*[^ ]|[^ ])   *([^ ].*)$")
        roff_option("${CMAKE_MATCH_1}" left)
        roff_escape("${CMAKE_MATCH_2}" right)
        string(APPEND page ".TP\n.B ${left}\n${right}\n")
        set(in_entry TRUE)
        continue()
    endif()
    if(section MATCHES "^(OPTIONS|COMMANDS|ARGUMENTS)$" AND line MATCHES "^  ([^ ].*)$" AND NOT in_entry)
        roff_option("${CMAKE_MATCH_1}" left) # an entry with no description
        string(APPEND page ".TP\n.B ${left}\n")
        set(in_entry TRUE)
        continue()
    endif()
    string(STRIP "${line}" text)
    roff_escape("${text}" text)
    if(in_entry)
        string(APPEND page "${text}\n")
    else()
        # Lines of a paragraph that the help breaks by hand keep their breaks.
        string(APPEND page "${text}\n.br\n")
    endif()
endforeach()
if(DEFINED SEE_ALSO AND NOT SEE_ALSO STREQUAL "")
    set(refs "")
    string(REPLACE "," ";" SEE_ALSO "${SEE_ALSO}")
    foreach(other IN LISTS SEE_ALSO)
        list(APPEND refs "\\fB${other}\\fR(1)")
    endforeach()
    list(JOIN refs ", " refs)
    string(APPEND page ".SH SEE ALSO\n${refs}\n")
endif()
string(REGEX REPLACE "\n\\.br\n(\\.(SH|PP|TP))" "\n\\1" page "${page}")
string(REGEX REPLACE "\n\\.br\n$" "\n" page "${page}")
string(REGEX REPLACE "\n\\.PP\n(\\.SH)" "\n\\1" page "${page}")
file(WRITE "${OUTPUT}" "${page}")
