#include "channel-sampler.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include "file-read.h"
#include "sys-error.h"
#include "unique-fd.h"

namespace shm {

namespace {

using Clock = std::chrono::steady_clock;

/** Bytes read per channel: both counts and both fdsems (reference §5). */
constexpr size_t kHeaderBytes = 32;
/** How often a held POSIX segment is checked for having been unlinked. */
constexpr auto kLinkCheckEvery = std::chrono::milliseconds(100);
constexpr int kNotSameFile = -1;
constexpr int kNotSrbchannel = -2;

int pidfd_open_or_error(int32_t pid) {
#ifdef SYS_pidfd_open
  long fd = syscall(SYS_pidfd_open, pid, 0);
  return fd < 0 ? -errno : static_cast<int>(fd);
#else
  (void)pid;
  return -ENOSYS;
#endif
}

struct Channel {
  ChannelSpec spec;
  UniqueFd fd;  // valid while held
  /** One per holder still running; a holder whose pidfd cannot be had (ENOSYS, EPERM) counts as running. */
  std::vector<UniqueFd> pidfds;
  bool unwatched_holder = false;
  ChannelInterval interval;
  bool has_previous = false;
  int32_t previous[8] = {};

  /** Accounts one header read. */
  void take(const int32_t* words) {
    int32_t read_count = words[0];
    int32_t write_count = words[1];
    // Reference §5: counts outside [0, capacity] mean the block is no longer an srbchannel.
    if (read_count < 0 || write_count < 0 || read_count > spec.capacity || write_count > spec.capacity) {
      interval.error = kNotSrbchannel;
      return;
    }
    ++interval.reads;
    if (has_previous) {
      if (read_count > previous[0]) interval.read_bytes += static_cast<uint64_t>(read_count - previous[0]);
      if (write_count > previous[1]) interval.write_bytes += static_cast<uint64_t>(write_count - previous[1]);
      // Words 2, 3 and 5, 6: waiting and signalled of each ring's fdsem (in_pipe follows them).
      if (words[2] != previous[2] || words[3] != previous[3] || words[5] != previous[5] || words[6] != previous[6])
        ++interval.wakeups;
    }
    interval.read_peak = std::max(interval.read_peak, read_count);
    interval.write_peak = std::max(interval.write_peak, write_count);
    std::memcpy(previous, words, sizeof previous);
    has_previous = true;
  }

  /** One pread through `from`; false (with the error noted) when it failed. */
  bool read_from(int from) {
    int32_t words[8];
    ssize_t n = pread(from, words, kHeaderBytes, static_cast<off_t>(spec.offset));
    if (n != static_cast<ssize_t>(kHeaderBytes)) {
      interval.error = n < 0 ? errno : EIO;
      return false;
    }
    take(words);
    return true;
  }

  /** Opens the pool if it is live and still the scanned file; errors are noted, never thrown. */
  void hold() {
    if (fd.valid() || (pidfds.empty() && !unwatched_holder)) return;
    try {
      int opened = open_if_same(spec.path, spec.dev, spec.inode, spec.follow_link);
      if (opened < 0) interval.error = kNotSameFile;
      fd.reset(opened);
    } catch (const SysError& failure) {
      interval.error = failure.err;
    }
  }

  void release() {
    fd.reset();
    pidfds.clear();
    unwatched_holder = false;
  }
};

/** One sampler: its channels and the thread that reads the held ones. */
class Sampler {
 public:
  Sampler(std::chrono::microseconds period, const void* owner_tag) : owner(owner_tag), period_(period) {
    wake_.reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!wake_.valid()) throw SysError{errno, "eventfd", ""};
  }
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;
  ~Sampler() { halt(); }

  void start() { thread_ = std::thread(&Sampler::loop, this); }

  void halt() {
    {
      std::lock_guard<std::mutex> guard(lock_);
      stopping_ = true;
    }
    poke();
    if (thread_.joinable()) thread_.join();
    channels_.clear();
  }

  void track(const std::vector<ChannelSpec>& specs) {
    {
      std::lock_guard<std::mutex> guard(lock_);
      ++generation_;
      std::map<std::string, std::unique_ptr<Channel>> next;
      for (const ChannelSpec& spec : specs) {
        auto found = channels_.find(spec.key);
        std::unique_ptr<Channel> channel;
        if (found != channels_.end() && found->second->spec.dev == spec.dev &&
            found->second->spec.inode == spec.inode && found->second->spec.offset == spec.offset) {
          channel = std::move(found->second);
        } else {
          channel = std::make_unique<Channel>();
          channel->interval.key = spec.key;
        }
        channel->spec = spec;
        watch_holders(*channel);
        if (channel->pidfds.empty() && !channel->unwatched_holder) channel->fd.reset();
        channel->hold();
        next.emplace(spec.key, std::move(channel));
      }
      channels_ = std::move(next);  // channels left out close their fds here
    }
    poke();
  }

  std::vector<ChannelInterval> collect() {
    std::lock_guard<std::mutex> guard(lock_);
    std::vector<ChannelInterval> out;
    out.reserve(channels_.size());
    for (auto& [key, channel] : channels_) {
      if (!channel->fd.valid()) read_once(*channel);
      channel->interval.held = channel->fd.valid();
      channel->interval.has_last = channel->has_previous;
      std::memcpy(channel->interval.last, channel->previous, sizeof channel->previous);
      out.push_back(channel->interval);
      channel->interval = ChannelInterval{};
      channel->interval.key = key;
    }
    return out;
  }

  const void* const owner;

 private:
  /** Replaces the channel's pidfds with one per holder that still runs. */
  static void watch_holders(Channel& channel) {
    channel.pidfds.clear();
    channel.unwatched_holder = false;
    for (int32_t pid : channel.spec.holders) {
      int pidfd = pidfd_open_or_error(pid);
      if (pidfd >= 0) {
        channel.pidfds.emplace_back(pidfd);
      } else if (pidfd != -ESRCH) {
        // No pidfd here (an old kernel, a seccomp filter): the holder may run; rescans release it.
        channel.unwatched_holder = true;
      }
    }
  }

  /** Open, read, close: for a channel whose pool no other process holds. */
  static void read_once(Channel& channel) {
    try {
      UniqueFd once(open_if_same(channel.spec.path, channel.spec.dev, channel.spec.inode, channel.spec.follow_link));
      if (!once.valid()) {
        channel.interval.error = kNotSameFile;
        return;
      }
      channel.read_from(once.get());
    } catch (const SysError& failure) {
      channel.interval.error = failure.err;
    }
  }

  void poke() {
    uint64_t one = 1;
    ssize_t ignored = write(wake_.get(), &one, sizeof one);
    (void)ignored;
  }

  void drain_wake() {
    uint64_t count;
    ssize_t ignored = read(wake_.get(), &count, sizeof count);
    (void)ignored;
  }

  void loop() {
    Clock::time_point next_read = Clock::now();
    Clock::time_point next_link_check = next_read + kLinkCheckEvery;
    std::vector<pollfd> polled;
    std::vector<std::pair<Channel*, size_t>> owners;  // polled[i + 1] is owners[i]'s pidfd
    while (true) {
      uint64_t generation;
      bool any_held = false;
      {
        std::lock_guard<std::mutex> guard(lock_);
        if (stopping_) return;
        generation = generation_;
        polled.assign(1, pollfd{wake_.get(), POLLIN, 0});
        owners.clear();
        for (auto& [key, channel] : channels_) {
          if (!channel->fd.valid()) continue;
          any_held = true;
          for (size_t i = 0; i < channel->pidfds.size(); ++i) {
            polled.push_back(pollfd{channel->pidfds[i].get(), POLLIN, 0});
            owners.emplace_back(channel.get(), i);
          }
        }
      }
      // Nothing held: sleep until track or halt pokes.
      Clock::time_point now = Clock::now();
      Clock::duration wait = any_held ? std::max(next_read - now, Clock::duration::zero()) : Clock::duration(std::chrono::hours(1));
      auto wait_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
      timespec timeout{static_cast<time_t>(wait_ns / 1000000000), static_cast<long>(wait_ns % 1000000000)};
      int ready = ppoll(polled.data(), polled.size(), &timeout, nullptr);
      if (ready > 0 && (polled[0].revents & POLLIN) != 0) drain_wake();

      std::lock_guard<std::mutex> guard(lock_);
      if (stopping_) return;
      // Poll results name fds of the set polled: a track since then may have closed them.
      if (ready > 0 && generation == generation_) release_exited(polled, owners);
      now = Clock::now();
      if (now >= next_link_check) {
        release_unlinked();
        next_link_check = now + kLinkCheckEvery;
      }
      if (any_held && now >= next_read) {
        for (auto& [key, channel] : channels_) {
          if (channel->fd.valid() && !channel->read_from(channel->fd.get())) channel->release();
        }
        next_read += period_;
        if (next_read < now) next_read = now + period_;  // fell behind: no burst of reads to catch up
      }
      if (!any_held) next_read = now;
    }
  }

  /** Drops the pidfds of holders that exited; a channel with none left is no longer live: its fd is closed. */
  void release_exited(const std::vector<pollfd>& polled, const std::vector<std::pair<Channel*, size_t>>& owners) {
    std::map<Channel*, std::vector<size_t>> exited;
    for (size_t i = 1; i < polled.size(); ++i) {
      if (polled[i].revents != 0) exited[owners[i - 1].first].push_back(owners[i - 1].second);
    }
    for (auto& [channel, indices] : exited) {
      std::sort(indices.rbegin(), indices.rend());
      for (size_t index : indices) channel->pidfds.erase(channel->pidfds.begin() + static_cast<std::ptrdiff_t>(index));
      if (channel->pidfds.empty() && !channel->unwatched_holder) channel->release();
    }
    if (!exited.empty()) ++generation_;
  }

  /** A held POSIX segment that was unlinked (its creator freed it) is no longer read through its name. */
  void release_unlinked() {
    for (auto& [key, channel] : channels_) {
      if (!channel->fd.valid() || channel->spec.follow_link) continue;
      struct stat st;
      if (fstat(channel->fd.get(), &st) != 0 || st.st_nlink == 0) {
        channel->release();
        ++generation_;
      }
    }
  }

  std::chrono::microseconds period_;
  UniqueFd wake_;
  std::mutex lock_;
  bool stopping_ = false;
  uint64_t generation_ = 0;
  std::map<std::string, std::unique_ptr<Channel>> channels_;
  std::thread thread_;
};

/** Every sampler, by handle; a static, so its destructor joins threads still running at exit (see srb-traffic.cc). */
struct Registry {
  std::mutex lock;
  std::map<uint32_t, std::shared_ptr<Sampler>> samplers;
  uint32_t next_handle = 1;
};
Registry registry;

std::shared_ptr<Sampler> find(uint32_t handle, const char* what) {
  std::lock_guard<std::mutex> guard(registry.lock);
  auto found = registry.samplers.find(handle);
  if (found == registry.samplers.end()) throw SysError{EINVAL, what, ""};
  return found->second;
}

}  // namespace

uint32_t sampler_open(uint32_t period_us, const void* owner) {
  if (period_us == 0) throw SysError{EINVAL, "samplerOpen", ""};
  auto sampler = std::make_shared<Sampler>(std::chrono::microseconds(period_us), owner);
  try {
    sampler->start();
  } catch (const std::system_error& failure) {
    throw SysError{failure.code().value(), "pthread_create", ""};
  }
  std::lock_guard<std::mutex> guard(registry.lock);
  uint32_t handle = registry.next_handle++;
  registry.samplers.emplace(handle, std::move(sampler));
  return handle;
}

void sampler_track(uint32_t handle, const std::vector<ChannelSpec>& specs) { find(handle, "samplerTrack")->track(specs); }

std::vector<ChannelInterval> sampler_collect(uint32_t handle) { return find(handle, "samplerCollect")->collect(); }

void sampler_close(uint32_t handle) {
  std::shared_ptr<Sampler> sampler;
  {
    std::lock_guard<std::mutex> guard(registry.lock);
    auto found = registry.samplers.find(handle);
    if (found == registry.samplers.end()) throw SysError{EINVAL, "samplerClose", ""};
    sampler = std::move(found->second);
    registry.samplers.erase(found);
  }
  sampler->halt();  // joined outside the registry's lock
}

void sampler_close_all(const void* owner) {
  std::vector<std::shared_ptr<Sampler>> closing;
  {
    std::lock_guard<std::mutex> guard(registry.lock);
    for (auto it = registry.samplers.begin(); it != registry.samplers.end();) {
      if (it->second->owner == owner) {
        closing.push_back(std::move(it->second));
        it = registry.samplers.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& sampler : closing) sampler->halt();
}

}  // namespace shm
