#include "errno-name.h"

#include <cerrno>
#include <cstring>

namespace shm {

namespace {

struct Name {
  int err;
  const char* name;
};

// The errnos the addon's system calls can plausibly return; anything else is E<n>.
constexpr Name kNames[] = {
    {EPERM, "EPERM"},         {ENOENT, "ENOENT"},       {ESRCH, "ESRCH"},
    {EINTR, "EINTR"},         {EIO, "EIO"},             {ENXIO, "ENXIO"},
    {E2BIG, "E2BIG"},         {EBADF, "EBADF"},         {EAGAIN, "EAGAIN"},
    {ENOMEM, "ENOMEM"},       {EACCES, "EACCES"},       {EFAULT, "EFAULT"},
    {EBUSY, "EBUSY"},         {EEXIST, "EEXIST"},       {EXDEV, "EXDEV"},
    {ENODEV, "ENODEV"},       {ENOTDIR, "ENOTDIR"},     {EISDIR, "EISDIR"},
    {EINVAL, "EINVAL"},       {ENFILE, "ENFILE"},       {EMFILE, "EMFILE"},
    {ETXTBSY, "ETXTBSY"},     {EFBIG, "EFBIG"},         {ENOSPC, "ENOSPC"},
    {ESPIPE, "ESPIPE"},       {EROFS, "EROFS"},         {EMLINK, "EMLINK"},
    {EPIPE, "EPIPE"},         {ERANGE, "ERANGE"},       {ENAMETOOLONG, "ENAMETOOLONG"},
    {ENOSYS, "ENOSYS"},       {ENOTEMPTY, "ENOTEMPTY"}, {ELOOP, "ELOOP"},
    {EOVERFLOW, "EOVERFLOW"}, {EOPNOTSUPP, "EOPNOTSUPP"}, {EDQUOT, "EDQUOT"},
    {ESTALE, "ESTALE"},       {ETIMEDOUT, "ETIMEDOUT"},   {EBADMSG, "EBADMSG"},
};

}  // namespace

std::string errno_name(int err) {
  for (const Name& entry : kNames) {
    if (entry.err == err) return entry.name;
  }
  return "E" + std::to_string(err);
}

std::string errno_message(int err) {
  // strerrordesc_np (glibc >= 2.32) returns static text, unlike strerror which may not.
  const char* text = strerrordesc_np(err);
  return text ? text : "Unknown error " + std::to_string(err);
}

}  // namespace shm
