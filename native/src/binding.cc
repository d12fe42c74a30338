// The only file that knows N-API: converts arguments (already checked by native/index.ts)
// and results, and turns SysError into a JS Error with .code and .syscall.

#include <napi.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "channel-sampler.h"
#include "directory-scan.h"
#include "errno-name.h"
#include "file-read.h"
#include "name-escape.h"
#include "live-events.h"
#include "process-table.h"
#include "segment-create.h"
#include "segment-unlink.h"
#include "shm-snapshot.h"
#include "srb-traffic.h"
#include "sys-error.h"

namespace {

using shm::SysError;

/**
 * Bytes from the system (a file name, a path, a process name) as a JS string: UTF-8,
 * each undecodable byte as U+DC80..U+DCFF (name-escape.h), never U+FFFD. A Napi::Value,
 * not a Napi::String: Object::Set(key, std::string) would take the String by its
 * implicit UTF-8 conversion, which turns every escape into U+FFFD again.
 */
Napi::Value bytes_string(Napi::Env env, const std::string& bytes) {
  if (shm::is_valid_utf8(bytes)) return Napi::String::New(env, bytes);
  return Napi::String::New(env, shm::escape_bytes(bytes));
}

Napi::Error to_js_error(Napi::Env env, const SysError& failure) {
  std::string message = failure.syscall;
  if (!failure.path.empty()) message += " " + failure.path;
  message += ": " + shm::errno_message(failure.err);
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("message", bytes_string(env, message));  // the path's bytes exactly, not as U+FFFD
  error.Set("code", shm::errno_name(failure.err));
  error.Set("syscall", failure.syscall);
  if (!failure.path.empty()) error.Set("path", bytes_string(env, failure.path));
  return error;
}

/** Wraps an export so C++ failures reach JS as errors instead of terminating Node. */
template <Napi::Value (*Fn)(const Napi::CallbackInfo&)>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  try {
    return Fn(info);
  } catch (const SysError& failure) {
    throw to_js_error(info.Env(), failure);
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(info.Env(), "out of memory");
  }
}

/** The exact bytes a string stands for (name-escape.h); native/index.ts has refused any other string. */
std::string bytes_of(const Napi::String& text) {
  std::string bytes;
  if (!shm::unescape_bytes(text.Utf16Value(), bytes)) throw SysError{EINVAL, "name", ""};
  return bytes;
}

/** A path or name argument, as its exact bytes. */
std::string string_arg(const Napi::CallbackInfo& info, size_t i) { return bytes_of(info[i].As<Napi::String>()); }

double number_arg(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().DoubleValue(); }

Napi::Number number(Napi::Env env, uint64_t value) { return Napi::Number::New(env, static_cast<double>(value)); }

// Per-entry numbers of a scan, kStride doubles per entry in this order; native/entry-columns.ts
// reads the same offsets. Integers stay exact: they are below 2^53 (addon-types.ts).
enum EntryField {
  kType,
  kDev,
  kInode,
  kSize,
  kMode,
  kUid,
  kGid,
  kBirthTime,  // NaN: no birth time
  kMtime,
  kAllocated,
  kRangesAt,     // index into the ranges column
  kRangesCount,  // -1: dataRanges is null
  kTailAt,       // character offset into the tails' hex string, -1: tail is null
  kErrorAt,      // index into the errors array, -1: no error
  kTailMagic,    // the tail's first 32-bit word, little endian (reference 2: the magic)
  kTailPid,      // its second, signed (reference 2: the PID)
  kStride
};
static_assert(kStride == 16, "entry-columns.ts reads 16 numbers per entry");

// Entries go to JS as columns, not objects: setting 14 properties per entry through
// N-API costs ~5 us per entry (one runtime call per property, measured), and even
// objects built in JS were most of a 10,000-entry scan's garbage. Names come as one
// string joined by '/', the one byte a file name cannot contain, and tails as one hex
// string, with their two words already read: no string or Buffer per entry.

Napi::Float64Array float64_array(Napi::Env env, const std::vector<double>& values) {
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, values.size() * sizeof(double));
  if (!values.empty()) std::memcpy(buffer.Data(), values.data(), values.size() * sizeof(double));
  return Napi::Float64Array::New(env, values.size(), buffer, 0);
}

/** An ASCII string (hex digits), created without the UTF-8 decoding Napi::String::New does. */
Napi::String latin1_string(Napi::Env env, const std::string& text) {
  napi_value value;
  NAPI_THROW_IF_FAILED(env, napi_create_string_latin1(env, text.data(), text.size(), &value), Napi::String());
  return Napi::String(env, value);
}

/**
 * The columns' buffers, kept from one scan to the next on each thread: a 10,000-entry
 * scan fills about 2 MB, and fresh memory each time cost page faults (expensive in a VM)
 * on every scan. What stays allocated is the largest scan's size.
 */
struct ColumnBuffers {
  std::string names;  // joined by '/'
  std::vector<double> numbers;
  std::vector<double> ranges;
  std::string tails_hex;  // 80 hex digits per tail

  void clear() {
    names.clear();
    numbers.clear();
    ranges.clear();
    tails_hex.clear();
  }
};

/** Collects scanned entries in columns (see EntryField). */
class EntryBatch {
 public:
  explicit EntryBatch(Napi::Env env) : env_(env), errors_(Napi::Array::New(env)), columns_(reused_buffers()) {
    columns_.clear();
  }

  void add(const shm::ScanEntry& e) {
    if (count_++ > 0) columns_.names.push_back('/');
    columns_.names.append(e.name);
    size_t n = columns_.numbers.size();
    columns_.numbers.resize(n + kStride);
    double* f = &columns_.numbers[n];
    f[kType] = static_cast<double>(e.type);
    f[kDev] = static_cast<double>(e.dev);
    f[kInode] = static_cast<double>(e.inode);
    f[kSize] = static_cast<double>(e.size);
    f[kMode] = e.mode;
    f[kUid] = e.uid;
    f[kGid] = e.gid;
    f[kBirthTime] = e.has_birth_time ? e.birth_time_ms : std::nan("");
    f[kMtime] = e.mtime_ms;
    f[kAllocated] = static_cast<double>(e.allocated_bytes);
    f[kRangesAt] = static_cast<double>(columns_.ranges.size());
    f[kRangesCount] = e.has_data_ranges ? static_cast<double>(e.data_ranges.size()) : -1;
    columns_.ranges.insert(columns_.ranges.end(), e.data_ranges.begin(), e.data_ranges.end());
    f[kTailAt] = e.has_tail ? static_cast<double>(columns_.tails_hex.size()) : -1;
    f[kTailMagic] = f[kTailPid] = 0;
    if (e.has_tail) {
      static constexpr char kHex[] = "0123456789abcdef";
      size_t at = columns_.tails_hex.size();
      columns_.tails_hex.resize(at + 2 * e.tail.size());
      char* out = &columns_.tails_hex[at];
      for (uint8_t byte : e.tail) {
        *out++ = kHex[byte >> 4];
        *out++ = kHex[byte & 15];
      }
      f[kTailMagic] = shm::tail_word(e, 0);
      f[kTailPid] = static_cast<int32_t>(shm::tail_word(e, 1));
    }
    f[kErrorAt] = -1;
    if (e.error_errno != 0) {
      Napi::Object error = Napi::Object::New(env_);
      error.Set("code", shm::errno_name(e.error_errno));
      error.Set("syscall", e.error_syscall);
      f[kErrorAt] = error_count_;
      errors_.Set(error_count_++, error);
    }
  }

  Napi::Object build() {
    Napi::Object columns = Napi::Object::New(env_);
    columns.Set("count", Napi::Number::New(env_, count_));
    // Joined by '/', an ASCII byte no UTF-8 sequence contains: escaping the whole escapes each name.
    columns.Set("names", bytes_string(env_, columns_.names));
    columns.Set("numbers", float64_array(env_, columns_.numbers));
    columns.Set("ranges", float64_array(env_, columns_.ranges));
    columns.Set("tailsHex", latin1_string(env_, columns_.tails_hex));
    columns.Set("errors", errors_);
    return columns;
  }

 private:
  static ColumnBuffers& reused_buffers() {
    static thread_local ColumnBuffers buffers;
    return buffers;
  }

  Napi::Env env_;
  Napi::Array errors_;
  uint32_t count_ = 0;
  uint32_t error_count_ = 0;
  ColumnBuffers& columns_;
};

Napi::Value ScanDirectory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EntryBatch batch(env);
  uint64_t dev = shm::scan_directory(string_arg(info, 0), [&](const shm::ScanEntry& entry) { batch.add(entry); });
  Napi::Object result = Napi::Object::New(env);
  result.Set("dev", number(env, dev));
  result.Set("columns", batch.build());
  return result;
}

Napi::Value ScanEntry(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EntryBatch batch(env);
  batch.add(shm::scan_entry(string_arg(info, 0), string_arg(info, 1)));
  return batch.build();
}

Napi::Object mapping_to_js(Napi::Env env, const shm::Mapping& m) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("start", number(env, m.start));
  out.Set("end", number(env, m.end));
  out.Set("perms", Napi::String::New(env, m.perms));
  out.Set("offset", number(env, m.offset));
  out.Set("dev", number(env, m.dev));
  out.Set("inode", number(env, m.inode));
  out.Set("path", bytes_string(env, m.path));
  out.Set("deleted", Napi::Boolean::New(env, m.deleted));
  return out;
}

Napi::Object fd_to_js(Napi::Env env, const shm::OpenFd& f) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("fd", Napi::Number::New(env, f.fd));
  out.Set("path", bytes_string(env, f.path));
  out.Set("deleted", Napi::Boolean::New(env, f.deleted));
  out.Set("dev", number(env, f.dev));
  out.Set("inode", number(env, f.inode));
  out.Set("accessMode", Napi::Number::New(env, f.access_mode));
  return out;
}

Napi::Value errno_or_null(Napi::Env env, int err) {
  return err == 0 ? env.Null() : Napi::Value(Napi::String::New(env, shm::errno_name(err)));
}

Napi::Object process_table_to_js(Napi::Env env, const shm::ProcessTable& table) {
  Napi::Array processes = Napi::Array::New(env, table.processes.size());
  for (size_t i = 0; i < table.processes.size(); ++i) {
    const shm::ProcessInfo& p = table.processes[i];
    Napi::Object out = Napi::Object::New(env);
    out.Set("pid", Napi::Number::New(env, p.pid));
    out.Set("comm", bytes_string(env, p.comm));
    out.Set("state", Napi::String::New(env, std::string(1, p.state)));
    out.Set("ppid", Napi::Number::New(env, p.ppid));
    out.Set("startTicks", number(env, p.start_ticks));
    out.Set("uid", Napi::Number::New(env, p.uid));
    Napi::Array mappings = Napi::Array::New(env, p.mappings.size());
    for (size_t j = 0; j < p.mappings.size(); ++j) mappings.Set(static_cast<uint32_t>(j), mapping_to_js(env, p.mappings[j]));
    out.Set("mappings", mappings);
    Napi::Array fds = Napi::Array::New(env, p.fds.size());
    for (size_t j = 0; j < p.fds.size(); ++j) fds.Set(static_cast<uint32_t>(j), fd_to_js(env, p.fds[j]));
    out.Set("fds", fds);
    out.Set("mapsError", errno_or_null(env, p.maps_errno));
    out.Set("fdsError", errno_or_null(env, p.fds_errno));
    processes.Set(static_cast<uint32_t>(i), out);
  }
  Napi::Array unreadable = Napi::Array::New(env, table.unreadable.size());
  for (size_t i = 0; i < table.unreadable.size(); ++i) {
    const shm::UnreadableProcess& p = table.unreadable[i];
    Napi::Object out = Napi::Object::New(env);
    out.Set("pid", Napi::Number::New(env, p.pid));
    out.Set("code", shm::errno_name(p.err));
    out.Set("hidepid", p.hidepid.empty() ? env.Null() : Napi::Value(Napi::String::New(env, p.hidepid)));
    unreadable.Set(static_cast<uint32_t>(i), out);
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("bootTimeMs", Napi::Number::New(env, table.boot_time_ms));
  result.Set("ticksPerSecond", Napi::Number::New(env, static_cast<double>(table.ticks_per_second)));
  result.Set("processes", processes);
  result.Set("unreadable", unreadable);
  result.Set("hidepid", table.hidepid.empty() ? env.Null() : Napi::Value(Napi::String::New(env, table.hidepid)));
  return result;
}

Napi::Value ReadProcessTable(const Napi::CallbackInfo& info) {
  Napi::Object filter = info[0].As<Napi::Object>();
  auto dev = static_cast<uint64_t>(filter.Get("dev").As<Napi::Number>().DoubleValue());
  std::string dir = bytes_of(filter.Get("dir").As<Napi::String>());
  shm::ProcessTable table = shm::read_process_table(dev, dir);
  std::vector<int> pids;
  if (info[1].IsArray()) {
    Napi::Array lookups = info[1].As<Napi::Array>();
    for (uint32_t i = 0; i < lookups.Length(); ++i) pids.push_back(lookups.Get(i).As<Napi::Number>().Int32Value());
  }
  shm::refresh_processes(table, pids, dev, dir);
  return process_table_to_js(info.Env(), table);
}

Napi::Value ScanDirectoryWithProcesses(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EntryBatch batch(env);
  shm::DirectoryWithProcesses scan = shm::scan_directory_with_processes(
      string_arg(info, 0), string_arg(info, 1), [&](const shm::ScanEntry& entry) { batch.add(entry); });
  Napi::Object result = Napi::Object::New(env);
  result.Set("dev", number(env, scan.dev));
  result.Set("columns", batch.build());
  result.Set("processes", process_table_to_js(env, scan.processes));
  return result;
}

Napi::Value CreateSegment(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::optional<std::string> name;
  if (info[1].IsString()) name = string_arg(info, 1);
  shm::CreatedSegment created =
      shm::create_segment(string_arg(info, 0), name, static_cast<uint64_t>(number_arg(info, 2)),
                          static_cast<uint32_t>(number_arg(info, 3)), static_cast<int32_t>(number_arg(info, 4)));
  Napi::Object result = Napi::Object::New(env);
  result.Set("name", bytes_string(env, created.name));
  result.Set("dev", number(env, created.dev));
  result.Set("inode", number(env, created.inode));
  result.Set("fileSize", number(env, created.file_size));
  return result;
}

Napi::Value CreateMemfd(const Napi::CallbackInfo& info) {
  int fd = shm::create_memfd(string_arg(info, 0), static_cast<uint64_t>(number_arg(info, 1)));
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value MapShared(const Napi::CallbackInfo& info) {
  uint32_t handle = shm::map_shared(static_cast<int>(number_arg(info, 0)), static_cast<uint64_t>(number_arg(info, 1)),
                                    info[2].As<Napi::Boolean>().Value());
  return Napi::Number::New(info.Env(), handle);
}

Napi::Value IsTerminal(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), isatty(static_cast<int>(number_arg(info, 0))) == 1);
}

Napi::Value Unmap(const Napi::CallbackInfo& info) {
  double handle = number_arg(info, 0);
  // Out-of-range handles are unknown handles, not a wrapped-around valid one.
  shm::unmap_shared(handle >= 1 && handle <= UINT32_MAX ? static_cast<uint32_t>(handle) : 0);
  return info.Env().Undefined();
}

Napi::Value UnlinkIfUnchanged(const Napi::CallbackInfo& info) {
  shm::UnlinkOutcome outcome =
      shm::unlink_if_unchanged(string_arg(info, 0), string_arg(info, 1), static_cast<uint64_t>(number_arg(info, 2)),
                               static_cast<uint64_t>(number_arg(info, 3)), number_arg(info, 4));
  const char* text = "removed";
  switch (outcome) {
    case shm::UnlinkOutcome::Removed: text = "removed"; break;
    case shm::UnlinkOutcome::Missing: text = "missing"; break;
    case shm::UnlinkOutcome::Changed: text = "changed"; break;
    case shm::UnlinkOutcome::NotRegular: text = "not-regular"; break;
  }
  return Napi::String::New(info.Env(), text);
}

Napi::Value ReadIfSame(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> bytes;
  bool same = shm::read_if_same(string_arg(info, 0), static_cast<uint64_t>(number_arg(info, 1)),
                                static_cast<uint64_t>(number_arg(info, 2)), info[3].As<Napi::Boolean>().Value(),
                                static_cast<uint64_t>(number_arg(info, 4)), static_cast<size_t>(number_arg(info, 5)),
                                bytes);
  if (!same) return info.Env().Null();
  const uint8_t none = 0;
  return Napi::Buffer<uint8_t>::Copy(info.Env(), bytes.empty() ? &none : bytes.data(), bytes.size());
}

/** A handle argument; out-of-range values become 0, which no run has (not a wrapped-around valid one). */
uint32_t handle_arg(const Napi::CallbackInfo& info, size_t i) {
  double handle = number_arg(info, i);
  return handle >= 1 && handle <= UINT32_MAX ? static_cast<uint32_t>(handle) : 0;
}

Napi::Object traffic_stats_to_js(Napi::Env env, const shm::TrafficStats& s) {
  auto ring = [env](uint64_t written, uint64_t read) {
    Napi::Object out = Napi::Object::New(env);
    out.Set("written", number(env, written));
    out.Set("read", number(env, read));
    return out;
  };
  Napi::Object out = Napi::Object::New(env);
  out.Set("running", Napi::Boolean::New(env, s.running));
  out.Set("ring1", ring(s.ring1_written, s.ring1_read));
  out.Set("ring2", ring(s.ring2_written, s.ring2_read));
  out.Set("errors", number(env, s.errors));
  out.Set("elapsedMs", Napi::Number::New(env, s.elapsed_ms));
  return out;
}

Napi::Value TrafficStart(const Napi::CallbackInfo& info) {
  // Runs are tagged with their env, so the env's cleanup hook stops only its own.
  uint32_t handle =
      shm::traffic_start(static_cast<int>(number_arg(info, 0)), static_cast<uint64_t>(number_arg(info, 1)),
                         static_cast<uint64_t>(number_arg(info, 2)), static_cast<uint64_t>(number_arg(info, 3)),
                         static_cast<napi_env>(info.Env()));
  return Napi::Number::New(info.Env(), handle);
}

Napi::Value TrafficStats(const Napi::CallbackInfo& info) {
  return traffic_stats_to_js(info.Env(), shm::traffic_stats(handle_arg(info, 0)));
}

Napi::Value TrafficStop(const Napi::CallbackInfo& info) {
  return traffic_stats_to_js(info.Env(), shm::traffic_stop(handle_arg(info, 0)));
}

Napi::Value SamplerOpen(const Napi::CallbackInfo& info) {
  uint32_t handle =
      shm::sampler_open(static_cast<uint32_t>(number_arg(info, 0)), static_cast<napi_env>(info.Env()));
  return Napi::Number::New(info.Env(), handle);
}

Napi::Value SamplerTrack(const Napi::CallbackInfo& info) {
  Napi::Array list = info[1].As<Napi::Array>();
  std::vector<shm::ChannelSpec> specs;
  specs.reserve(list.Length());
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Object item = list.Get(i).As<Napi::Object>();
    shm::ChannelSpec spec;
    spec.key = bytes_of(item.Get("key").As<Napi::String>());
    spec.path = bytes_of(item.Get("path").As<Napi::String>());
    spec.dev = static_cast<uint64_t>(item.Get("dev").As<Napi::Number>().DoubleValue());
    spec.inode = static_cast<uint64_t>(item.Get("inode").As<Napi::Number>().DoubleValue());
    spec.follow_link = item.Get("followLink").As<Napi::Boolean>().Value();
    spec.offset = static_cast<uint64_t>(item.Get("offset").As<Napi::Number>().DoubleValue());
    spec.capacity = static_cast<int64_t>(item.Get("capacity").As<Napi::Number>().DoubleValue());
    Napi::Array holders = item.Get("holders").As<Napi::Array>();
    for (uint32_t h = 0; h < holders.Length(); ++h) spec.holders.push_back(holders.Get(h).As<Napi::Number>().Int32Value());
    specs.push_back(std::move(spec));
  }
  shm::sampler_track(handle_arg(info, 0), specs);
  return info.Env().Undefined();
}

/** An interval's error as JS sees it: null, an errno name, or one of the sampler's own codes. */
Napi::Value interval_error(Napi::Env env, int error) {
  if (error == 0) return env.Null();
  if (error == -1) return Napi::String::New(env, "CHANGED");
  if (error == -2) return Napi::String::New(env, "NOT_SRBCHANNEL");
  return Napi::String::New(env, shm::errno_name(error));
}

Napi::Value SamplerCollect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<shm::ChannelInterval> intervals = shm::sampler_collect(handle_arg(info, 0));
  Napi::Array out = Napi::Array::New(env, intervals.size());
  for (size_t i = 0; i < intervals.size(); ++i) {
    const shm::ChannelInterval& interval = intervals[i];
    Napi::Object item = Napi::Object::New(env);
    item.Set("key", bytes_string(env, interval.key));
    item.Set("held", Napi::Boolean::New(env, interval.held));
    item.Set("reads", number(env, interval.reads));
    item.Set("readBytes", number(env, interval.read_bytes));
    item.Set("writeBytes", number(env, interval.write_bytes));
    item.Set("readPeak", Napi::Number::New(env, interval.read_peak));
    item.Set("writePeak", Napi::Number::New(env, interval.write_peak));
    item.Set("wakeups", number(env, interval.wakeups));
    if (interval.has_last) {
      Napi::Array words = Napi::Array::New(env, 8);
      for (uint32_t w = 0; w < 8; ++w) words.Set(w, Napi::Number::New(env, interval.last[w]));
      item.Set("last", words);
    } else {
      item.Set("last", env.Null());
    }
    item.Set("error", interval_error(env, interval.error));
    out.Set(static_cast<uint32_t>(i), item);
  }
  return out;
}

Napi::Value SamplerClose(const Napi::CallbackInfo& info) {
  shm::sampler_close(handle_arg(info, 0));
  return info.Env().Undefined();
}

/** Runs `work` on a libuv worker thread, then settles a Promise with `done(env, result)` or the SysError. */
template <typename T>
class PromiseWorker : public Napi::AsyncWorker {
 public:
  PromiseWorker(Napi::Env env, std::function<T()> work, std::function<Napi::Value(Napi::Env, const T&)> done)
      : Napi::AsyncWorker(env),
        deferred_(Napi::Promise::Deferred::New(env)),
        work_(std::move(work)),
        done_(std::move(done)) {}

  /** Queues the work and returns its promise; the worker deletes itself once settled. */
  static Napi::Promise start(Napi::Env env, std::function<T()> work,
                             std::function<Napi::Value(Napi::Env, const T&)> done) {
    auto* worker = new PromiseWorker(env, std::move(work), std::move(done));
    Napi::Promise promise = worker->deferred_.Promise();
    worker->Queue();
    return promise;
  }

 protected:
  void Execute() override {
    try {
      result_ = work_();
    } catch (const SysError& failure) {
      failure_ = failure;
    } catch (const std::bad_alloc&) {
      failure_ = SysError{ENOMEM, "malloc", ""};
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (failure_.err != 0) {
      deferred_.Reject(to_js_error(env, failure_).Value());
      return;
    }
    try {
      deferred_.Resolve(done_(env, result_));
    } catch (const Napi::Error& error) {
      deferred_.Reject(error.Value());
    }
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::function<T()> work_;
  std::function<Napi::Value(Napi::Env, const T&)> done_;
  T result_{};
  SysError failure_{0, "", ""};
};

std::vector<int> int_array(const Napi::Value& value) {
  std::vector<int> out;
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); ++i) out.push_back(array.Get(i).As<Napi::Number>().Int32Value());
  return out;
}

Napi::Array int_array_to_js(Napi::Env env, const std::vector<int>& values) {
  Napi::Array out = Napi::Array::New(env, values.size());
  for (uint32_t i = 0; i < values.size(); ++i) out.Set(i, Napi::Number::New(env, values[i]));
  return out;
}

/** The whole process table, read on a worker thread (the live engine's /proc sweep); info[1]: shared mappings only. */
Napi::Value ReadProcessTableAsync(const Napi::CallbackInfo& info) {
  Napi::Object filter = info[0].As<Napi::Object>();
  auto dev = static_cast<uint64_t>(filter.Get("dev").As<Napi::Number>().DoubleValue());
  std::string dir = bytes_of(filter.Get("dir").As<Napi::String>());
  const bool shared_only = info[1].As<Napi::Boolean>().Value();
  return PromiseWorker<shm::ProcessTable>::start(
      info.Env(), [dev, dir, shared_only] { return shm::read_process_table(dev, dir, shared_only); },
      process_table_to_js);
}

/** Only `pids`, read now (the rest of the table is left as it is): a new owner, an exit. */
Napi::Value ReadProcesses(const Napi::CallbackInfo& info) {
  Napi::Object filter = info[0].As<Napi::Object>();
  auto dev = static_cast<uint64_t>(filter.Get("dev").As<Napi::Number>().DoubleValue());
  std::string dir = bytes_of(filter.Get("dir").As<Napi::String>());
  shm::ProcessTable table;
  shm::refresh_processes(table, int_array(info[1]), dev, dir);
  return process_table_to_js(info.Env(), table);
}

Napi::Value InotifyWatchDir(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), shm::inotify_watch_dir(string_arg(info, 0)));
}

Napi::Value InotifyDrain(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const shm::InotifyBatch batch = shm::inotify_drain(static_cast<int>(number_arg(info, 0)));
  Napi::Array names = Napi::Array::New(env, batch.names.size());
  for (uint32_t i = 0; i < batch.names.size(); ++i) names.Set(i, bytes_string(env, batch.names[i]));
  Napi::Object out = Napi::Object::New(env);
  out.Set("names", names);
  out.Set("overflow", Napi::Boolean::New(env, batch.overflow));
  out.Set("dirChanged", Napi::Boolean::New(env, batch.dir_changed));
  return out;
}

Napi::Value EventfdOpen(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), shm::eventfd_open()); }

Napi::Value EventfdSignal(const Napi::CallbackInfo& info) {
  shm::eventfd_signal(static_cast<int>(number_arg(info, 0)));
  return info.Env().Undefined();
}

Napi::Value EventfdDrain(const Napi::CallbackInfo& info) {
  shm::eventfd_drain(static_cast<int>(number_arg(info, 0)));
  return info.Env().Undefined();
}

Napi::Value PidfdOpen(const Napi::CallbackInfo& info) {
  const auto ticks = static_cast<uint64_t>(number_arg(info, 1));
  return Napi::Number::New(info.Env(), shm::pidfd_open_checked(static_cast<int>(number_arg(info, 0)), ticks));
}

Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  shm::close_fd(static_cast<int>(number_arg(info, 0)));
  return info.Env().Undefined();
}

/** What a whole scan read on a worker thread, converted to JS columns on the main thread. */
struct ScanOffThread {
  std::vector<shm::ScanEntry> entries;
  shm::DirectoryWithProcesses scan;
};

/** scanDirectoryWithProcesses on a worker thread: the event loop keeps serving while 100,000 entries are read. */
Napi::Value ScanDirectoryWithProcessesAsync(const Napi::CallbackInfo& info) {
  std::string dir = string_arg(info, 0);
  std::string proc_dir = string_arg(info, 1);
  return PromiseWorker<ScanOffThread>::start(
      info.Env(),
      [dir, proc_dir] {
        ScanOffThread out;
        out.scan = shm::scan_directory_with_processes(
            dir, proc_dir, [&](const shm::ScanEntry& entry) { out.entries.push_back(entry); });
        return out;
      },
      [](Napi::Env env, const ScanOffThread& out) -> Napi::Value {
        EntryBatch batch(env);
        for (const auto& entry : out.entries) batch.add(entry);
        Napi::Object result = Napi::Object::New(env);
        result.Set("dev", number(env, out.scan.dev));
        result.Set("columns", batch.build());
        result.Set("processes", process_table_to_js(env, out.scan.processes));
        return result;
      });
}

/** Resolves with the fds that became readable, waiting on a worker thread up to `timeoutMs` (-1: no limit). */
Napi::Value WaitReadable(const Napi::CallbackInfo& info) {
  std::vector<int> fds = int_array(info[0]);
  const int timeout = static_cast<int>(number_arg(info, 1));
  return PromiseWorker<std::vector<int>>::start(
      info.Env(), [fds, timeout] { return shm::wait_readable(fds, timeout); }, int_array_to_js);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("scanDirectory", Napi::Function::New<guarded<ScanDirectory>>(env, "scanDirectory"));
  exports.Set("scanEntry", Napi::Function::New<guarded<ScanEntry>>(env, "scanEntry"));
  exports.Set("readProcessTable", Napi::Function::New<guarded<ReadProcessTable>>(env, "readProcessTable"));
  exports.Set("scanDirectoryWithProcesses",
              Napi::Function::New<guarded<ScanDirectoryWithProcesses>>(env, "scanDirectoryWithProcesses"));
  exports.Set("createSegment", Napi::Function::New<guarded<CreateSegment>>(env, "createSegment"));
  exports.Set("createMemfd", Napi::Function::New<guarded<CreateMemfd>>(env, "createMemfd"));
  exports.Set("mapShared", Napi::Function::New<guarded<MapShared>>(env, "mapShared"));
  exports.Set("unmap", Napi::Function::New<guarded<Unmap>>(env, "unmap"));
  exports.Set("isTerminal", Napi::Function::New<guarded<IsTerminal>>(env, "isTerminal"));
  exports.Set("unlinkIfUnchanged", Napi::Function::New<guarded<UnlinkIfUnchanged>>(env, "unlinkIfUnchanged"));
  exports.Set("readIfSame", Napi::Function::New<guarded<ReadIfSame>>(env, "readIfSame"));
  exports.Set("trafficStart", Napi::Function::New<guarded<TrafficStart>>(env, "trafficStart"));
  exports.Set("trafficStats", Napi::Function::New<guarded<TrafficStats>>(env, "trafficStats"));
  exports.Set("trafficStop", Napi::Function::New<guarded<TrafficStop>>(env, "trafficStop"));
  exports.Set("samplerOpen", Napi::Function::New<guarded<SamplerOpen>>(env, "samplerOpen"));
  exports.Set("samplerTrack", Napi::Function::New<guarded<SamplerTrack>>(env, "samplerTrack"));
  exports.Set("samplerCollect", Napi::Function::New<guarded<SamplerCollect>>(env, "samplerCollect"));
  exports.Set("samplerClose", Napi::Function::New<guarded<SamplerClose>>(env, "samplerClose"));
  exports.Set("readProcessTableAsync",
              Napi::Function::New<guarded<ReadProcessTableAsync>>(env, "readProcessTableAsync"));
  exports.Set("readProcesses", Napi::Function::New<guarded<ReadProcesses>>(env, "readProcesses"));
  exports.Set("inotifyWatchDir", Napi::Function::New<guarded<InotifyWatchDir>>(env, "inotifyWatchDir"));
  exports.Set("inotifyDrain", Napi::Function::New<guarded<InotifyDrain>>(env, "inotifyDrain"));
  exports.Set("eventfdOpen", Napi::Function::New<guarded<EventfdOpen>>(env, "eventfdOpen"));
  exports.Set("eventfdSignal", Napi::Function::New<guarded<EventfdSignal>>(env, "eventfdSignal"));
  exports.Set("eventfdDrain", Napi::Function::New<guarded<EventfdDrain>>(env, "eventfdDrain"));
  exports.Set("pidfdOpen", Napi::Function::New<guarded<PidfdOpen>>(env, "pidfdOpen"));
  exports.Set("closeFd", Napi::Function::New<guarded<CloseFd>>(env, "closeFd"));
  exports.Set("scanDirectoryWithProcessesAsync",
              Napi::Function::New<guarded<ScanDirectoryWithProcessesAsync>>(env, "scanDirectoryWithProcessesAsync"));
  exports.Set("waitReadable", Napi::Function::New<guarded<WaitReadable>>(env, "waitReadable"));
  // Traffic threads must not outlive their env (exit, worker termination): Node runs
  // this hook at env teardown. process.exit() skips it; srb-traffic.cc covers that.
  const void* owner = static_cast<napi_env>(env);
  env.AddCleanupHook([owner] {
    shm::traffic_stop_all(owner);
    shm::sampler_close_all(owner);
  });
  return exports;
}

}  // namespace

NODE_API_MODULE(shm_inspector, Init)
