#pragma once

#include <string>

namespace shm {

/** The symbolic name of an errno value ("ENOENT"), or "E<number>" for an unlisted one. */
std::string errno_name(int err);

/** strerror text, thread-safe ("No such file or directory"). */
std::string errno_message(int err);

}  // namespace shm
