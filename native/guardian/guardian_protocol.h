// What the guardian (tree mode) and the addon say to each other: the guardian's command line and
// the fixed-size messages on the control socket (AF_UNIX SOCK_SEQPACKET, one message per packet),
// and how either side sends and receives one. Shared by guardian.cc (a static program without
// libc) and the addon: plain data and raw system calls only.
#ifndef TETHERED_GUARDIAN_PROTOCOL_H_
#define TETHERED_GUARDIAN_PROTOCOL_H_

#include <stdint.h>
#include <sys/socket.h>

#include "raw_syscall.h"

namespace tethered {

// argv of the guardian: {kGuardianArgv0, options, candidate_1 .. candidate_n, user argv...}; envp
// is the command's environment. `options` is kGuardianOptionCount decimal fields joined by ','
// in the order of GuardianOption.
constexpr const char* kGuardianArgv0 = "tethered-guardian";
constexpr const char kGuardianComm[] = "tethered-guard";  // /proc/<pid>/comm (15 bytes at most)
enum GuardianOption : int {
  kOptVersion = 0,       // kGuardianVersion
  kOptControlFd,         // the guardian's end of the control socket
  kOptTreeSignal,        // sent to every descendant when the parent dies
  kOptGraceMs,           // then SIGKILL after this long
  kOptFlags,             // GuardianFlag bits
  kOptUid,               // for the command, with kFlagSetUid
  kOptGid,               // for the command, with kFlagSetGid
  kOptCandidates,        // how many exec candidates follow the options
  kOptParentPid,         // getpid() of the Node process
  kOptPauseBeforePrctl,  // test knob: the command pauses this many ms before PR_SET_PDEATHSIG
  kOptWalkPause,         // test knob: the walk pauses this many ms before each pidfd_open
  kGuardianOptionCount,
};
constexpr int kGuardianVersion = 1;
constexpr int kProbeNoSubreaper = 3;  // a probe's exit status when PR_SET_CHILD_SUBREAPER fails

enum GuardianFlag : int {
  kFlagDetached = 1,  // the command calls setsid()
  kFlagSetUid = 2,
  kFlagSetGid = 4,
  kFlagNoPidfd = 8,    // never use pidfds: signal only the guardian's own children by pid
  kFlagProbe = 16,     // exit 0 at once (the addon checks that the helper can run here)
  kFlagScanProc = 32,  // test knob: find children by scanning /proc (no CONFIG_PROC_CHILDREN)
};

// The guardian's death signal toward the spawner thread. It blocks every signal and reads this one
// from a signalfd; it counts only once getppid() has changed (the parent really died).
constexpr int kGuardianDeathSignal = 15;  // SIGTERM

enum GuardianMessageType : int32_t {
  // guardian -> addon
  kMsgStarted = 1,     // a = command pid; carries the command's pidfd (SCM_RIGHTS) if it has one
  kMsgExecFailed = 2,  // a = positive errno
  kMsgExited = 3,      // a = exit code, b = terminating signal (0 if none)
  // addon -> guardian
  kMsgKill = 10,      // a = signal: to the command only (used when there is no pidfd)
  kMsgKillTree = 11,  // a = signal, b = grace ms (< 0: no escalation): every descendant
};

struct GuardianMessage {
  int32_t type;
  int32_t a;
  int32_t b;
};

// Runs in the guardian or on an addon thread. Sends `msg`, with `fd` (SCM_RIGHTS) if fd >= 0,
// retried on EINTR: the bytes sent or -errno.
[[nodiscard]] inline long SendMessage(int socket, const GuardianMessage& msg, int fd, int flags) {
  struct iovec iov = {const_cast<GuardianMessage*>(&msg), sizeof(msg)};
  struct msghdr hdr = {};
  hdr.msg_iov = &iov;
  hdr.msg_iovlen = 1;
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (fd >= 0) {
    hdr.msg_control = control;
    hdr.msg_controllen = sizeof(control);
    struct cmsghdr* cmsg = CMSG_FIRSTHDR(&hdr);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    __builtin_memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
  }
  long n;
  do {
    n = RawSyscall(SYS_sendmsg, socket, reinterpret_cast<long>(&hdr), flags | MSG_NOSIGNAL);
  } while (n == -EINTR);
  return n;
}

// Runs in the guardian or on the spawner thread. Receives one message without waiting, retried on
// EINTR: the bytes received or -errno (-EAGAIN: none is waiting). With `passed_fd`, also the fd it
// carries (close-on-exec; -1 if none).
[[nodiscard]] inline long ReceiveMessage(int socket, GuardianMessage* msg, int* passed_fd) {
  struct iovec iov = {msg, sizeof(*msg)};
  struct msghdr hdr = {};
  hdr.msg_iov = &iov;
  hdr.msg_iovlen = 1;
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  if (passed_fd != nullptr) {
    *passed_fd = -1;
    hdr.msg_control = control;
    hdr.msg_controllen = sizeof(control);
  }
  long n;
  do {
    n = RawSyscall(SYS_recvmsg, socket, reinterpret_cast<long>(&hdr),
                   MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  } while (n == -EINTR);
  struct cmsghdr* cmsg = n >= 0 && passed_fd != nullptr ? CMSG_FIRSTHDR(&hdr) : nullptr;
  if (cmsg != nullptr && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
    __builtin_memcpy(passed_fd, CMSG_DATA(cmsg), sizeof(int));
  }
  return n;
}

}  // namespace tethered

#endif  // TETHERED_GUARDIAN_PROTOCOL_H_
