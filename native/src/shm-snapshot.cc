#include "shm-snapshot.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <future>
#include <system_error>
#include <vector>

#include "sys-error.h"

namespace shm {

namespace {

/** The PID a valid PulseAudio marker names, or 0. */
int marker_pid(const ScanEntry& entry) {
  if (!entry.has_tail) return 0;
  const auto pid = static_cast<int32_t>(tail_word(entry, 1));
  return tail_word(entry, 0) == kMarkerMagic && pid > 0 ? pid : 0;
}

}  // namespace

DirectoryWithProcesses scan_directory_with_processes(const std::string& dir, const std::string& proc_dir,
                                                     const std::function<void(const ScanEntry&)>& visit) {
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) throw SysError{errno, "stat", dir};
  const auto expected_dev = static_cast<uint64_t>(st.st_dev);

  std::future<ProcessTable> table;
  try {
    table = std::async(std::launch::async, [expected_dev, proc_dir] { return read_process_table(expected_dev, proc_dir); });
  } catch (const std::system_error&) {
    // No thread to be had (EAGAIN): table stays invalid and is read below, after the directory.
  }
  // If scan_directory throws, the future's destructor waits for the other thread first.
  std::vector<int> owners;
  DirectoryWithProcesses result;
  result.dev = scan_directory(dir, [&](const ScanEntry& entry) {
    if (int pid = marker_pid(entry)) owners.push_back(pid);
    visit(entry);
  });
  // Another filesystem mounted over `dir` since the stat: the table kept the wrong device.
  const bool stale_filter = result.dev != expected_dev;
  result.processes = table.valid() && !stale_filter ? table.get() : read_process_table(result.dev, proc_dir);
  // Read one after the other, a segment's creator is in the table whenever it is alive:
  // the segment existed before the table was read. Read side by side, the table may be
  // older than the segment, so every owner is read again now: one that started
  // meanwhile is not taken for gone (stale), nor one that died meanwhile for alive.
  std::sort(owners.begin(), owners.end());
  owners.erase(std::unique(owners.begin(), owners.end()), owners.end());
  refresh_processes(result.processes, owners, result.dev, proc_dir);
  return result;
}

}  // namespace shm
