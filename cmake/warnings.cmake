# One interface target carries the project's warning flags; every first-party
# target links it privately so consumers never inherit them.
add_library(sched_warnings INTERFACE)
target_compile_options(sched_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wdouble-promotion -Wimplicit-fallthrough)
if(SCHED_WARNINGS_AS_ERRORS)
  target_compile_options(sched_warnings INTERFACE -Werror)
endif()
