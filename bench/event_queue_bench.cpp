// The classic "hold" benchmark of a pending-event set (Vaucher & Duval): N events pending,
// each hold pops the earliest and schedules a new one at (its time + an exponential offset
// of mean 1 s). BM_Hold draws every offset from RngStream inside the timed loop;
// BM_Hold_Precomputed reads offsets from a 4096-entry table drawn beforehand, which isolates
// the cost of the queue itself; BM_Hold_MixedScales mixes offsets of about a microsecond with
// 10% of about an hour, the spread of a durability run (writes and failures), which defeats
// calendar queues.
//
// Counters: items/s is holds per second (time/iteration is ns per hold); bytes_per_pending is
// EventQueue::memory_bytes() / N; allocs_per_hold counts calls to the global operator new
// during the timed loop (bucket arrays grow to a high-water mark, then nothing); setup_allocs
// counts those of the set-up, showing the counting operator new is live.
#include <benchmark/benchmark.h>

#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#include "durasim/core/event_queue.hpp"
#include "durasim/core/rng.hpp"

// ---- Counting replacement of the global allocation functions --------------------------------
// Only the replaceable forms that allocate without alignment are replaced; the nothrow forms of
// libstdc++ call these, and the aligned forms (aligned_alloc/free) are not used by EventQueue.
namespace {
std::atomic<std::uint64_t> g_news{0};

void* counted_alloc(std::size_t size) {
  g_news.fetch_add(1, std::memory_order_relaxed);
  if (size == 0) size = 1;
  if (void* p = std::malloc(size)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t size) {
  return counted_alloc(size);
}
void* operator new[](std::size_t size) {
  return counted_alloc(size);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

using durasim::Event;
using durasim::EventQueue;
using durasim::RngStream;
using durasim::SimTime;

constexpr double kMeanSeconds = 1.0;
constexpr std::size_t kTableSize = 4096;  // power of two: index with a mask

// Exponential offset of mean kMeanSeconds, in integer nanoseconds.
std::int64_t exp_offset_ns(RngStream& rng) {
  const double seconds = -kMeanSeconds * std::log1p(-rng.uniform());
  return static_cast<std::int64_t>(seconds * 1e9);
}

void prefill(EventQueue& q, RngStream& rng, std::size_t n) {
  q.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    q.push(SimTime{exp_offset_ns(rng)}, static_cast<std::uint32_t>(i), 0);
  }
}

void export_counters(benchmark::State& state, std::size_t n, std::size_t memory_bytes,
                     std::uint64_t setup_allocs, std::uint64_t allocs) {
  state.SetItemsProcessed(state.iterations());
  state.counters["pending"] = static_cast<double>(n);
  state.counters["bytes_per_pending"] = static_cast<double>(memory_bytes) / static_cast<double>(n);
  // Non-zero (the reserve) proves the counting operator new is the one in use.
  state.counters["setup_allocs"] = static_cast<double>(setup_allocs);
  state.counters["allocs_per_hold"] =
      static_cast<double>(allocs) / static_cast<double>(state.iterations());
}

// Prefills N events, then times holds whose offsets come from `next_offset_ns()`.
template <typename NextOffset>
void run_hold(benchmark::State& state, RngStream& rng, NextOffset next_offset_ns) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::uint64_t start = g_news.load(std::memory_order_relaxed);
  EventQueue q;
  prefill(q, rng, n);
  const std::uint64_t before = g_news.load(std::memory_order_relaxed);
  for (auto _ : state) {
    const Event e = q.pop();
    q.push(SimTime{e.time.ns + next_offset_ns()}, e.target, e.tag);
  }
  const std::uint64_t allocs = g_news.load(std::memory_order_relaxed) - before;
  benchmark::DoNotOptimize(q.top());
  export_counters(state, n, q.memory_bytes(), before - start, allocs);
}

void BM_Hold(benchmark::State& state) {
  RngStream rng(1, 0, durasim::stream_id("bench.hold"), 0);
  run_hold(state, rng, [&rng] { return exp_offset_ns(rng); });
}

void BM_Hold_Precomputed(benchmark::State& state) {
  RngStream rng(1, 0, durasim::stream_id("bench.hold"), 0);
  std::array<std::int64_t, kTableSize> offsets{};
  for (std::int64_t& o : offsets) o = exp_offset_ns(rng);
  std::size_t k = 0;
  run_hold(state, rng, [&] { return offsets[k++ & (kTableSize - 1)]; });
}

void BM_Hold_MixedScales(benchmark::State& state) {
  RngStream rng(1, 0, durasim::stream_id("bench.hold"), 0);
  std::array<std::int64_t, kTableSize> offsets{};
  for (std::int64_t& o : offsets) {
    const double scale_ns = rng.uniform() < 0.1 ? 3.6e12 : 1e3;
    o = static_cast<std::int64_t>(-scale_ns * std::log1p(-rng.uniform()));
  }
  std::size_t k = 0;
  run_hold(state, rng, [&] { return offsets[k++ & (kTableSize - 1)]; });
}

}  // namespace

BENCHMARK(BM_Hold)->Arg(100)->Arg(10'000)->Arg(1'000'000);
BENCHMARK(BM_Hold_Precomputed)->Arg(100)->Arg(10'000)->Arg(1'000'000);
BENCHMARK(BM_Hold_MixedScales)->Arg(100)->Arg(10'000)->Arg(1'000'000);
