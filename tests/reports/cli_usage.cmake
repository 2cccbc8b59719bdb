# Usage contract of stdctl's comparison commands; needs no server (every case fails
# or succeeds before any RPC). Run: cmake -DSTDCTL=path/to/stdctl -P cli_usage.cmake
if(NOT STDCTL)
  message(FATAL_ERROR "pass -DSTDCTL=path/to/stdctl")
endif()
set(failures 0)

# expect(<exit code> <regex the output (stdout+stderr) must match or ""> args...)
function(expect code regex)
  execute_process(COMMAND ${STDCTL} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
    ERROR_VARIABLE err TIMEOUT 20)
  set(all "${out}${err}")
  if(NOT "${rc}" STREQUAL "${code}")
    message(SEND_ERROR "stdctl ${ARGN}: exit ${rc}, expected ${code}\n${all}")
  elseif(regex AND NOT all MATCHES "${regex}")
    message(SEND_ERROR "stdctl ${ARGN}: output does not match '${regex}':\n${all}")
  else()
    message(STATUS "ok: stdctl ${ARGN} -> ${rc}")
  endif()
endfunction()

# no arguments / bad arguments: 2
expect(2 "missing JUR/EDITION" compare)
expect(2 "missing JUR/EDITION" audit)
expect(2 "missing JUR/EDITION" resolve)
expect(2 "missing JUR/EDITION" coverage)
expect(2 "needs two standards" diff 330700/2021)
expect(2 "not a standard id" compare 330782)
expect(2 "--format must be one of json, csv, md, sarif" compare 330782/2021 --format xml)
expect(2 "--format must be one of json, csv" resolve 330782/2021 --format sarif)
expect(2 "--revision needs a number" compare 330782/2021 --revision x)
expect(2 "unknown finding type 'NOPE'" coverage 330700/2021 --type MISSING,NOPE)
expect(2 "page-size" coverage 330700/2021 --page-size 0)
expect(2 "unknown option" compare 330782/2021 --frobnicate)
expect(2 "bad or missing value for --comparison" --comparison)

# help: 0, with an example
foreach(cmd compare audit resolve coverage diff)
  expect(0 "Example:\n  stdctl .*${cmd} " ${cmd} --help)
endforeach()
expect(0 "stdctl --comparison 127.0.0.1:7002 compare 330782/2021 --format md" compare --help)
expect(0 "compare JUR/EDITION" --help)
expect(0 "Usage: stdctl compare" help compare)

# an unreachable comparison-svc: 1 with "error: STATUS: message" (global flag after
# the command, short deadline)
expect(1 "error: (UNAVAILABLE|DEADLINE_EXCEEDED): " compare 330782/2021 --comparison 127.0.0.1:1
  --timeout 2000)
expect(1 "error: (UNAVAILABLE|DEADLINE_EXCEEDED): " --comparison 127.0.0.1:1 --timeout 2000
  diff 330700/2021 330700/2023)
