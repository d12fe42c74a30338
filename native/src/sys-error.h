#pragma once
// A failed system call, thrown by the plain C++ functions; binding.cc turns it into a
// JS Error with `.code` (errno name) and `.syscall`.

#include <string>

namespace shm {

struct SysError {
  int err;
  const char* syscall;
  std::string path;
};

}  // namespace shm
