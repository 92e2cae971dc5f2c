# calmon_find_python(<result variable> <module>...)
#
# Sets the cache variable <result variable> to a python3 that can import every <module>
# ("numpy", "google.protobuf", "scipy.ndimage", ...): Debian's /usr/bin/python3 first (a
# pyenv shim on PATH may lack the modules), then the python3 on PATH. A value it already
# has (-D<result variable>=..., or an earlier configure) is kept as it is. Left unset when
# no python3 imports them all: the caller says what it skips. What is found is
# remembered per module set, so suites that need the same modules look once.
function(calmon_find_python result)
  if(${result})
    return()
  endif()
  set(modules ${ARGN})
  list(REMOVE_DUPLICATES modules)
  list(SORT modules)
  list(JOIN modules ", " import_list)
  string(JOIN "_" found_key CALMON_PYTHON_FOR ${modules})
  string(MAKE_C_IDENTIFIER "${found_key}" found_key)
  if(NOT ${found_key})
    find_program(calmon_system_python NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH NO_CACHE)
    find_program(calmon_path_python NAMES python3 NO_CACHE)
    foreach(candidate IN ITEMS "${calmon_system_python}" "${calmon_path_python}")
      if(candidate AND NOT ${found_key})
        execute_process(COMMAND "${candidate}" -c "import ${import_list}"
                        RESULT_VARIABLE import_result OUTPUT_QUIET ERROR_QUIET)
        if(import_result EQUAL 0)
          set(${found_key} "${candidate}" CACHE INTERNAL "python3 that imports ${import_list}")
        endif()
      endif()
    endforeach()
  endif()
  if(${found_key})
    set(${result} "${${found_key}}" CACHE FILEPATH "python3 that imports ${import_list}")
  endif()
endfunction()

# calmon_test_python(<result variable> SUITE <name> TARGETS <target>... MODULES <module>...)
#
# What every Python-driven test suite checks first: that the programs it runs are built
# and that some python3 imports the modules it needs (calmon_find_python). Sets
# <result variable> to that python3 and says so; otherwise leaves it empty and says what
# the suite skips and why, so the caller only has to return().
function(calmon_test_python result)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "SUITE" "TARGETS;MODULES")
  foreach(target IN LISTS arg_TARGETS)
    if(NOT TARGET ${target})
      message(STATUS "${arg_SUITE} tests: skipped (${target} is not built)")
      set(${result} "" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  calmon_find_python(${result} ${arg_MODULES})
  if(NOT ${result})
    list(JOIN arg_MODULES ", " module_list)
    message(STATUS "${arg_SUITE} tests: skipped, no python3 imports ${module_list} (set ${result})")
    return()
  endif()
  message(STATUS "${arg_SUITE} tests: ${${result}}")
endfunction()
