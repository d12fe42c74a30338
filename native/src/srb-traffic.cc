#include "srb-traffic.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "sys-error.h"

namespace shm {

namespace {

using Clock = std::chrono::steady_clock;

// srbchannel header, offsets within the block (reference §5).
constexpr uint64_t kReadCountAt = 0;
constexpr uint64_t kWriteCountAt = 4;
constexpr uint64_t kReadSemAt = 8;
constexpr uint64_t kWriteSemAt = 20;
constexpr uint64_t kCapacityAt = 32;
constexpr uint64_t kReadbufOffsetAt = 36;
constexpr uint64_t kWritebufOffsetAt = 40;
constexpr uint64_t kHeaderSize = 48;  // sizeof(struct srbheader) = 44, aligned to 8

// Writes come in small timed chunks; reads lag behind so fill levels are visibly non-zero.
constexpr auto kWriteEvery = std::chrono::milliseconds(10);
constexpr auto kDrainEvery = std::chrono::milliseconds(25);
// Drains fall a quarter write period off the write ticks: a write and a drain at the same
// instant (in two threads) would leave a ring's fill unchanged between any two reads, so
// no sampler could see that write. Off by 2.5 ms, every write stays visible that long.
constexpr auto kDrainPhase = std::chrono::microseconds(2500);

/** pa_fdsem_data: one per ring; the ring's reader waits on it, its writer posts it. */
struct Fdsem {
  int32_t waiting;
  int32_t signalled;
  int32_t in_pipe;  // stays 0: our ends poll on a timer instead of sleeping on a pipe
};

uint64_t align8(uint64_t n) { return (n + 7) & ~uint64_t{7}; }

/**
 * The byte at stream position `pos`: a running counter, mixed with its next byte so a
 * reader off by a multiple of 256 is caught too.
 */
uint8_t pattern(uint64_t pos) { return static_cast<uint8_t>(pos ^ (pos >> 8)); }

/** One direction of the channel: the shared count, semaphore and data, plus totals for stats. */
struct Ring {
  int32_t* count = nullptr;
  Fdsem* sem = nullptr;
  uint8_t* data = nullptr;
  uint64_t capacity = 0;
  std::atomic<uint64_t> written{0};
  std::atomic<uint64_t> read{0};
};

/** One running channel: the mapping and both ends. Destroying it stops and joins them. */
class Run {
 public:
  Run(void* map, size_t map_length, uint8_t* block, uint64_t block_length, uint64_t rate, const void* owner_tag)
      : owner(owner_tag), map_(map), map_length_(map_length), rate_(rate) {
    uint64_t capacity = (block_length - kHeaderSize) / 2;
    uint64_t write_offset = kHeaderSize + align8(capacity);
    // As pa_srbchannel_new: zero the header, then capacity and the two ring offsets.
    std::memset(block, 0, kHeaderSize);
    word(block, kCapacityAt) = static_cast<int32_t>(capacity);
    word(block, kReadbufOffsetAt) = static_cast<int32_t>(kHeaderSize);
    word(block, kWritebufOffsetAt) = static_cast<int32_t>(write_offset);
    ring1_.count = &word(block, kReadCountAt);
    ring1_.sem = reinterpret_cast<Fdsem*>(block + kReadSemAt);
    ring1_.data = block + kHeaderSize;
    ring2_.count = &word(block, kWriteCountAt);
    ring2_.sem = reinterpret_cast<Fdsem*>(block + kWriteSemAt);
    ring2_.data = block + write_offset;
    ring1_.capacity = ring2_.capacity = capacity;
  }

  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;
  ~Run() { halt(); }

  /** End A writes ring 1 and reads ring 2 (a client); end B the opposite (the daemon). */
  void start() {
    started_ = Clock::now();
    a_ = std::thread(&Run::end_loop, this, std::ref(ring1_), std::ref(ring2_));
    b_ = std::thread(&Run::end_loop, this, std::ref(ring2_), std::ref(ring1_));
  }

  /** Stops and joins both ends and unmaps; safe to call more than once. */
  void halt() {
    stopping_.store(true);
    if (a_.joinable()) a_.join();
    if (b_.joinable()) b_.join();
    if (map_ != nullptr) {
      stopped_ = Clock::now();
      munmap(map_, map_length_);
      map_ = nullptr;
    }
  }

  TrafficStats stats() const {
    TrafficStats s;
    s.running = map_ != nullptr;
    // `read` before `written`: a byte is counted written before a reader can take it,
    // so loading in this order keeps read <= written in every snapshot.
    s.ring1_read = ring1_.read.load();
    s.ring2_read = ring2_.read.load();
    s.ring1_written = ring1_.written.load();
    s.ring2_written = ring2_.written.load();
    s.errors = errors_.load();
    s.elapsed_ms = std::chrono::duration<double, std::milli>((s.running ? Clock::now() : stopped_) - started_).count();
    return s;
  }

  const void* const owner;

 private:
  static int32_t& word(uint8_t* block, uint64_t at) { return *reinterpret_cast<int32_t*>(block + at); }

  /** Bytes the rate owes after `elapsed`, split so rate * nanoseconds cannot overflow. */
  uint64_t bytes_due(Clock::duration elapsed) const {
    auto ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
    constexpr uint64_t kNsPerSecond = 1000000000;
    return rate_ * (ns / kNsPerSecond) + rate_ * (ns % kNsPerSecond) / kNsPerSecond;
  }

  void end_loop(Ring& out, Ring& in) {
    uint64_t produced = 0;  // this end's private stream positions; ring index = position % capacity
    uint64_t consumed = 0;
    Clock::time_point next_write = started_;
    Clock::time_point next_drain = started_ + kDrainEvery + kDrainPhase;
    while (!stopping_.load(std::memory_order_relaxed)) {
      Clock::time_point now = Clock::now();
      if (now >= next_write) {
        produce(out, produced, now);
        next_write += kWriteEvery;
        if (next_write < now) next_write = now + kWriteEvery;  // fell behind: do not burst to catch up on ticks
      }
      if (now >= next_drain) {
        drain(in, consumed);
        next_drain += kDrainEvery;
        if (next_drain < now) next_drain = now + kDrainEvery;
      }
      // As pa_fdsem_wait: announce the wait only when there is nothing to read.
      bool idle = __atomic_load_n(in.count, __ATOMIC_ACQUIRE) == 0;
      if (idle) __atomic_store_n(&in.sem->waiting, 1, __ATOMIC_SEQ_CST);
      std::this_thread::sleep_until(std::min(next_write, next_drain));
      if (idle) {
        __atomic_store_n(&in.sem->waiting, 0, __ATOMIC_SEQ_CST);
        __atomic_store_n(&in.sem->signalled, 0, __ATOMIC_SEQ_CST);  // the post, if any, is consumed
      }
    }
  }

  /** Writes what the rate owes into the free space; what does not fit waits for the next tick. */
  void produce(Ring& out, uint64_t& produced, Clock::time_point now) {
    auto filled = static_cast<uint64_t>(__atomic_load_n(out.count, __ATOMIC_ACQUIRE));
    uint64_t n = std::min(bytes_due(now - started_) - produced, out.capacity - filled);
    if (n == 0) return;
    uint64_t at = produced % out.capacity;
    for (uint64_t i = 0; i < n; ++i) {
      out.data[at] = pattern(produced + i);
      if (++at == out.capacity) at = 0;
    }
    produced += n;
    // Total before count: the reader can only take bytes already counted as written.
    out.written.store(produced);
    __atomic_add_fetch(out.count, static_cast<int32_t>(n), __ATOMIC_SEQ_CST);
    // As pa_fdsem_post: flag the reader if it announced that it waits.
    if (__atomic_load_n(&out.sem->waiting, __ATOMIC_SEQ_CST) != 0)
      __atomic_store_n(&out.sem->signalled, 1, __ATOMIC_SEQ_CST);
  }

  /** Reads everything waiting and checks it against the pattern. */
  void drain(Ring& in, uint64_t& consumed) {
    auto n = static_cast<uint64_t>(__atomic_load_n(in.count, __ATOMIC_ACQUIRE));
    if (n == 0) return;
    uint64_t bad = 0;
    uint64_t at = consumed % in.capacity;
    for (uint64_t i = 0; i < n; ++i) {
      if (in.data[at] != pattern(consumed + i)) ++bad;
      if (++at == in.capacity) at = 0;
    }
    consumed += n;
    // Count before total, the mirror of produce: the space is free once the count drops.
    __atomic_sub_fetch(in.count, static_cast<int32_t>(n), __ATOMIC_SEQ_CST);
    in.read.store(consumed);
    if (bad != 0) errors_.fetch_add(bad);
  }

  void* map_;
  size_t map_length_;
  uint64_t rate_;
  Ring ring1_;
  Ring ring2_;
  std::atomic<uint64_t> errors_{0};
  std::atomic<bool> stopping_{false};
  Clock::time_point started_;
  Clock::time_point stopped_;
  std::thread a_;
  std::thread b_;
};

/**
 * Every run, by handle. Being a static, its destructor stops and joins whatever still
 * runs when the library goes away without env cleanup hooks having stopped it:
 * process.exit() calls exit() directly, and a worker that was the addon's only user
 * dlcloses it on exit. Threads left running would then execute unmapped code, or a
 * joinable std::thread destroyed here would abort the process.
 */
struct Registry {
  std::mutex lock;
  std::map<uint32_t, std::unique_ptr<Run>> runs;
  uint32_t next_handle = 1;
};
Registry registry;

}  // namespace

uint32_t traffic_start(int fd, uint64_t block_offset, uint64_t block_length, uint64_t bytes_per_second,
                       const void* owner) {
  // native/index.ts checks these; repeated because a bad header would break the ring math.
  if (block_offset % 8 != 0 || block_length < 2 * kHeaderSize || block_length > INT32_MAX || bytes_per_second == 0)
    throw SysError{EINVAL, "trafficStart", ""};
  struct stat st;
  if (fstat(fd, &st) != 0) throw SysError{errno, "fstat", ""};
  // A mapped page beyond the end of the file raises SIGBUS when touched: refuse instead.
  if (block_offset + block_length > static_cast<uint64_t>(st.st_size)) throw SysError{EINVAL, "mmap", ""};

  // The threads write the ring through the mapping: on a full tmpfs an unbacked page would
  // raise SIGBUS there. Reserving the block first turns that into ENOSPC here.
  int reserve = posix_fallocate(fd, static_cast<off_t>(block_offset), static_cast<off_t>(block_length));
  if (reserve != 0) throw SysError{reserve, "posix_fallocate", ""};

  auto page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  uint64_t map_from = block_offset - block_offset % page;
  size_t map_length = block_offset + block_length - map_from;
  void* map = mmap(nullptr, map_length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, static_cast<off_t>(map_from));
  if (map == MAP_FAILED) throw SysError{errno, "mmap", ""};

  std::unique_ptr<Run> run;
  try {
    run = std::make_unique<Run>(map, map_length, static_cast<uint8_t*>(map) + (block_offset - map_from), block_length,
                                bytes_per_second, owner);
  } catch (...) {
    munmap(map, map_length);
    throw;
  }
  try {
    run->start();
  } catch (const std::system_error& failure) {
    throw SysError{failure.code().value(), "pthread_create", ""};  // ~Run joins the end that did start
  }
  std::lock_guard<std::mutex> guard(registry.lock);
  uint32_t handle = registry.next_handle++;
  registry.runs.emplace(handle, std::move(run));
  return handle;
}

TrafficStats traffic_stats(uint32_t handle) {
  std::lock_guard<std::mutex> guard(registry.lock);
  auto found = registry.runs.find(handle);
  if (found == registry.runs.end()) throw SysError{EINVAL, "trafficStats", ""};
  return found->second->stats();
}

TrafficStats traffic_stop(uint32_t handle) {
  std::unique_ptr<Run> run;
  {
    std::lock_guard<std::mutex> guard(registry.lock);
    auto found = registry.runs.find(handle);
    if (found == registry.runs.end()) throw SysError{EINVAL, "trafficStop", ""};
    run = std::move(found->second);
    registry.runs.erase(found);
  }
  // Joined outside the lock: other runs' stats stay available meanwhile.
  run->halt();
  return run->stats();
}

void traffic_stop_all(const void* owner) {
  std::vector<std::unique_ptr<Run>> stopping;
  {
    std::lock_guard<std::mutex> guard(registry.lock);
    for (auto it = registry.runs.begin(); it != registry.runs.end();) {
      if (it->second->owner == owner) {
        stopping.push_back(std::move(it->second));
        it = registry.runs.erase(it);
      } else {
        ++it;
      }
    }
  }
  stopping.clear();  // each ~Run stops, joins and unmaps
}

}  // namespace shm
