#include "shm-snapshot.h"

#include <sys/stat.h>

#include <cerrno>
#include <future>
#include <system_error>

#include "sys-error.h"

namespace shm {

DirectoryWithProcesses scan_directory_with_processes(const std::string& dir, const std::string& proc_dir,
                                                     const std::function<void(const ScanEntry&)>& visit) {
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) throw SysError{errno, "stat", dir};
  const auto expected_dev = static_cast<uint64_t>(st.st_dev);

  std::future<ProcessTable> table;
  try {
    table = std::async(std::launch::async, read_process_table, expected_dev, proc_dir);
  } catch (const std::system_error&) {
    // No thread to be had (EAGAIN): table stays invalid and is read below, after the directory.
  }
  // If scan_directory throws, the future's destructor waits for the other thread first.
  DirectoryWithProcesses result;
  result.dev = scan_directory(dir, visit);
  // Another filesystem mounted over `dir` since the stat: the table kept the wrong device.
  const bool stale_filter = result.dev != expected_dev;
  result.processes = table.valid() && !stale_filter ? table.get() : read_process_table(result.dev, proc_dir);
  return result;
}

}  // namespace shm
