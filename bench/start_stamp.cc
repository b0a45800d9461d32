// A stand-in for the shell of `sched run` that notes when its process
// started, for bench/shell_precision.py: a job's start lateness without the
// CPU time of /bin/sh and date(1), which on a small machine running 200 jobs
// at once is most of what a job's own clock reading shows.
//
// sched runs `shell -c COMMAND`; with shell = this program, COMMAND is the
// path of a ledger, and the program appends to it, in one write,
//   <CLOCK_REALTIME at entry, seconds.nanoseconds> <$SCHED_SCHEDULED_AT>
// and exits 0. Only C library calls: the binary starts as fast as one can.

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

int main(int argc, char** argv) {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  if (argc != 3 || std::strcmp(argv[1], "-c") != 0) {
    std::fprintf(stderr, "usage: start_stamp -c LEDGER\n");
    return 2;
  }
  const char* scheduled = std::getenv("SCHED_SCHEDULED_AT");
  char line[128];
  const int n = std::snprintf(line, sizeof line, "%lld.%09ld %s\n", static_cast<long long>(now.tv_sec), now.tv_nsec,
                              scheduled != nullptr ? scheduled : "-");
  const int fd = ::open(argv[2], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || n <= 0 || n >= static_cast<int>(sizeof line) || ::write(fd, line, static_cast<size_t>(n)) != n) {
    std::perror(argv[2]);
    return 1;
  }
  ::close(fd);
  return 0;
}
