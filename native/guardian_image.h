// The tree-mode helper as something the spawner can exec: a sealed memfd holding the copy that is
// embedded in the addon, or else the tethered-guardian file built beside the addon.
#ifndef TETHERED_GUARDIAN_IMAGE_H_
#define TETHERED_GUARDIAN_IMAGE_H_

#include <string>

#include "unique_fd.h"

namespace tethered {

class GuardianImage {
 public:
  // Runs on the spawner thread. Creates the sealed memfd (once): 0 or -errno.
  [[nodiscard]] int MakeMemfd();
  // Runs on the spawner thread. The file fallback's path (TETHERED_GUARDIAN_PATH, else beside the
  // addon); empty if it cannot be found out.
  std::string FilePath() const;

  int memfd() const { return memfd_.Get(); }

 private:
  UniqueFd memfd_;
};

}  // namespace tethered

#endif  // TETHERED_GUARDIAN_IMAGE_H_
