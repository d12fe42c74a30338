#pragma once
// A shm directory and the process table read together, each on its own thread.

#include <cstdint>
#include <functional>
#include <string>

#include "directory-scan.h"
#include "process-table.h"

namespace shm {

struct DirectoryWithProcesses {
  uint64_t dev = 0;  // the directory's device, as scan_directory returns it
  ProcessTable processes;
};

/**
 * scan_directory(dir, visit) on the calling thread while read_process_table(dev of dir,
 * proc_dir) runs on a second one: the two reads are independent, and together they are
 * nearly all of a scan's time. Then the process of every PID a valid marker names is
 * read again, so that owners are seen as they are after the directory was read, as a
 * sequential read would see them. `visit` runs on the calling thread only. Falls back
 * to reading one after the other if no thread can be started.
 */
DirectoryWithProcesses scan_directory_with_processes(const std::string& dir, const std::string& proc_dir,
                                                     const std::function<void(const ScanEntry&)>& visit);

}  // namespace shm
