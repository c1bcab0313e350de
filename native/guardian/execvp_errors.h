// Which execve failures make execvp go on to the next PATH candidate (glibc's rules), shared by
// the two places that exec a user's command: launch.cc (default mode) and guardian.cc (tree mode).
#ifndef TETHERED_EXECVP_ERRORS_H_
#define TETHERED_EXECVP_ERRORS_H_

#include <errno.h>

namespace tethered {

// Runs in a cloned child before exec (async-signal-safe, touches nothing). True when execvp would
// try the next candidate after execve failed with `negative_errno`; EACCES is also remembered.
inline bool ExecvpTriesNext(long negative_errno, bool* saw_eacces) {
  switch (-negative_errno) {
    case EACCES:
      *saw_eacces = true;
      return true;
    case ENOENT:
    case ESTALE:
    case ENOTDIR:
    case ENODEV:
    case ETIMEDOUT:
      return true;
    default:
      return false;
  }
}

}  // namespace tethered

#endif  // TETHERED_EXECVP_ERRORS_H_
