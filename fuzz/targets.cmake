# targets.cmake — what each fuzz target is made of. Included by fuzz/CMakeLists.txt
# (libFuzzer executables, clang + PSS_FUZZ=ON only) and by tests/fuzz/CMakeLists.txt
# (the same sources with driver_main.c: regression replays in every build).
#
#   PSS_FUZZ_TARGETS             the targets (fuzz/<name>.c each)
#   <name>_EXTRA_SRCS            further sources compiled into the target
#   <name>_LIBS                  libraries of the project it links
#   <name>_DEFS                  compile definitions
#   <name>_INCLUDES              further include directories
set(PSS_FUZZ_DIR ${CMAKE_SOURCE_DIR}/fuzz)
set(PSS_FUZZ_TARGETS fuzz_pagetoken fuzz_pbjson fuzz_importfile fuzz_engine fuzz_catalog_requests
  fuzz_cov_token)

set(fuzz_pagetoken_EXTRA_SRCS)
set(fuzz_pagetoken_LIBS catalog_core)

set(fuzz_pbjson_EXTRA_SRCS)
set(fuzz_pbjson_LIBS pss_common PkgConfig::JANSSON)

set(fuzz_importfile_EXTRA_SRCS ${CMAKE_SOURCE_DIR}/cli/importfile.c)
set(fuzz_importfile_LIBS pss_common PkgConfig::JANSSON)

set(fuzz_engine_EXTRA_SRCS)
set(fuzz_engine_LIBS pss_engine)

set(fuzz_cov_token_EXTRA_SRCS ${CMAKE_SOURCE_DIR}/comparison-svc/cov_token.c)
set(fuzz_cov_token_LIBS)
set(fuzz_cov_token_INCLUDES ${CMAKE_SOURCE_DIR}/comparison-svc)

set(fuzz_catalog_requests_EXTRA_SRCS ${CMAKE_SOURCE_DIR}/cli/importfile.c)
set(fuzz_catalog_requests_LIBS catalog_core PkgConfig::JANSSON)
set(fuzz_catalog_requests_DEFS PSS_STANDARDS_DIR="${CMAKE_SOURCE_DIR}/data/standards")

# CSV import (cli/csv.h, cli/csv_items.h): fuzzed when those sources are in the tree.
set(PSS_FUZZ_HAVE_CSV OFF)
if(EXISTS ${CMAKE_SOURCE_DIR}/cli/csv.h AND EXISTS ${CMAKE_SOURCE_DIR}/cli/csv_items.c)
  set(PSS_FUZZ_HAVE_CSV ON)
  list(APPEND PSS_FUZZ_TARGETS fuzz_csv)
  set(fuzz_csv_EXTRA_SRCS ${CMAKE_SOURCE_DIR}/cli/csv.c ${CMAKE_SOURCE_DIR}/cli/csv_items.c)
  set(fuzz_csv_LIBS pss_common PkgConfig::JANSSON m)
endif()

# Adds executable `exe` for fuzz target `t` (sources, includes, libraries).
function(pss_fuzz_executable exe t)
  add_executable(${exe} ${PSS_FUZZ_DIR}/${t}.c ${${t}_EXTRA_SRCS} ${ARGN})
  target_include_directories(${exe} PRIVATE ${PSS_FUZZ_DIR} ${CMAKE_SOURCE_DIR}/cli
    ${CMAKE_SOURCE_DIR}/common)
  target_link_libraries(${exe} PRIVATE ${${t}_LIBS})
  if(${t}_INCLUDES)
    target_include_directories(${exe} PRIVATE ${${t}_INCLUDES})
  endif()
  if(${t}_DEFS)
    target_compile_definitions(${exe} PRIVATE ${${t}_DEFS})
  endif()
endfunction()
