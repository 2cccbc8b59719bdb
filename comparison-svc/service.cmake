# comparison-svc executable (included from comparison-svc/CMakeLists.txt):
# main + catalog client + cache + handlers + engine -> proto mapping.
add_executable(comparison-svc
  ${CMAKE_CURRENT_SOURCE_DIR}/main.c
  ${CMAKE_CURRENT_SOURCE_DIR}/catalog_client.c
  ${CMAKE_CURRENT_SOURCE_DIR}/cache.c
  ${CMAKE_CURRENT_SOURCE_DIR}/cov_token.c
  ${CMAKE_CURRENT_SOURCE_DIR}/ids.c
  ${CMAKE_CURRENT_SOURCE_DIR}/to_proto.c
  ${CMAKE_CURRENT_SOURCE_DIR}/handlers.c
  ${CMAKE_CURRENT_SOURCE_DIR}/descendants.c)
target_link_libraries(comparison-svc PRIVATE pss_engine pss_common pss_proto)
