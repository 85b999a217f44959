#include "durasim/replication/write_log.hpp"

#include <type_traits>

#include "durasim/core/assert.hpp"

namespace durasim {

void WriteLog::reset(std::size_t roles) {
  head_ = size_ = 0;
  if (roles_ == roles && !issue_.empty()) return;
  roles_ = roles;
  mask_ = 255;
  issue_.assign(256, SimTime{0});
  primary_durable_.assign(256, SimTime{0});
  ack_.assign(256, SimTime{0});
  bytes_.assign(256, 0.0F);
  waived_.assign(256, 0);
  held_.assign(256 * roles, SimTime{0});
  confirmed_.assign(256 * roles, SimTime{0});
}

void WriteLog::grow() {
  DURASIM_ASSERT(size_ < kMaxRing);  // streams keep up: the scenario check sees to it
  const std::size_t cap = capacity();
  auto widen = [&](auto& v, std::size_t rows) {
    std::remove_reference_t<decltype(v)> out(rows * cap * 2);
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t i = 0; i < size_; ++i) out[r * cap * 2 + i] = v[r * cap + at(i)];
    v.swap(out);
  };
  widen(issue_, 1);
  widen(primary_durable_, 1);
  widen(ack_, 1);
  widen(bytes_, 1);
  widen(waived_, 1);
  widen(held_, roles_);
  widen(confirmed_, roles_);
  head_ = 0;
  mask_ = cap * 2 - 1;
}

std::size_t WriteLog::held_by(std::size_t role, SimTime t) const {
  std::size_t lo = 0, hi = size_;
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (held(role, mid) <= t) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

bool WriteLog::stop_role(std::size_t role, SimTime now, SimTime given_up) {
  bool waived_any = false;
  for (std::size_t i = 0; i < size_; ++i) {
    SimTime& h = held(role, i);
    SimTime& c = confirmed(role, i);
    if (h > now) h = SimTime::never();
    if (c > now) {
      waive(i, role);
      c = given_up;
      waived_any = true;
    }
  }
  return waived_any;
}

void WriteLog::resume_role(std::size_t role, SimTime ready) {
  for (std::size_t i = 0; i < size_; ++i) {
    SimTime& h = held(role, i);
    if (h == SimTime::never()) h = ready;
  }
}

}  // namespace durasim
