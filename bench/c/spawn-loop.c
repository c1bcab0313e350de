// The floor for section 1: a C loop that posix_spawn()s /bin/true and waits for it, for a given
// time. glibc's posix_spawn clones with CLONE_VM | CLONE_VFORK, as tethered's spawner does.
// Prints: <spawns per second> <p50 µs in posix_spawn> <p99 µs in posix_spawn> <count>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char** environ;

static double NowUs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int Compare(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  const double duration_us = (argc > 1 ? atof(argv[1]) : 2000) * 1e3;
  static double calls[1 << 20];
  size_t n = 0;
  char* child_argv[] = {"/bin/true", NULL};
  const double start = NowUs();
  while (NowUs() - start < duration_us && n < sizeof(calls) / sizeof(calls[0])) {
    pid_t pid;
    const double t0 = NowUs();
    if (posix_spawn(&pid, "/bin/true", NULL, NULL, child_argv, environ) != 0) return 1;
    calls[n++] = NowUs() - t0;
    int status;
    if (waitpid(pid, &status, 0) != pid) return 1;
  }
  const double elapsed = NowUs() - start;
  qsort(calls, n, sizeof(calls[0]), Compare);
  printf("%f %f %f %zu\n", n * 1e6 / elapsed, calls[n / 2], calls[(n * 99) / 100], n);
  return 0;
}
