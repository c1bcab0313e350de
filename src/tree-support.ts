// Whether tree mode's guardian can run here, worded from the addon's codes.
import { errnoName } from './errno.js';
import {
  TREE_MEMFD_CREATE,
  TREE_MEMFD_DISABLED,
  TREE_MEMFD_EXEC,
  TREE_NO_THREAD,
  type NativeBinding,
} from './binding.js';

const ENOSYS = -38;
const NO_SUBREAPER =
  'PR_SET_CHILD_SUBREAPER is not supported here (Linux < 3.4, or an emulator such as qemu-user)';

/** `[ok, why not]`: runs the guardian once, on the first call (see NativeTreeSupport). */
export function treeSupport(binding: NativeBinding): [ok: boolean, reason: string] {
  const [ok, memfdStep, memfdError, filePath, fileError] = binding.treeSupport();
  if (ok) return [true, ''];
  if (memfdStep === TREE_NO_THREAD) return [false, 'the spawner thread could not be started'];
  let reason: string;
  if (memfdStep === TREE_MEMFD_DISABLED) {
    reason = 'TETHERED_TEST_NO_MEMFD is set';
  } else if (memfdStep === TREE_MEMFD_CREATE) {
    reason = `memfd_create failed (${errnoName(memfdError)})`;
  } else if (memfdStep === TREE_MEMFD_EXEC && memfdError === ENOSYS) {
    return [false, NO_SUBREAPER]; // the file was not tried: it would not help
  } else {
    reason = `the helper cannot be executed from a memfd (${errnoName(memfdError)})`;
  }
  if (fileError === ENOSYS)
    return [false, `${reason}; the helper file ${filePath} runs, but ${NO_SUBREAPER}`];
  const file = filePath === '' ? '(unknown path)' : filePath;
  return [false, `${reason}; the helper file ${file} cannot be executed (${errnoName(fileError)})`];
}
