#include "durasim/metrics/state.hpp"

#include <cmath>
#include <string>
#include <type_traits>

namespace durasim {

// A field added to a total must be listed in its fields() below, or shards would drop it when
// merged: these sizes trip when a struct changes (x86-64, g++ and clang alike); update the list,
// then the size.
static_assert(sizeof(Moments) == 24, "a total changed: list its new field in fields() here");
static_assert(sizeof(ZeroInflatedMoments) == 48,
              "a total changed: list its new field in fields() here");
static_assert(sizeof(LogHistogram) == 72, "a total changed: list its new field in fields() here");
static_assert(sizeof(PerTrial) == 120, "a total changed: list its new field in fields() here");
static_assert(sizeof(CauseTotals) == 136, "a total changed: list its new field in fields() here");
static_assert(sizeof(LogicalTotals) == 448, "a total changed: list its new field in fields() here");
static_assert(sizeof(WriteTotals) == 520, "a total changed: list its new field in fields() here");
static_assert(sizeof(FleetTotals) == 240, "a total changed: list its new field in fields() here");
static_assert(sizeof(ImportanceTotals) == 48,
              "a total changed: list its new field in fields() here");
static_assert(sizeof(LossTrial) == 40, "a total changed: list its new field in fields() here");
static_assert(sizeof(LossAccumulator) == 2872,
              "a total changed: list its new field in fields() here");

template <class V>
void fields(V& v, Moments& m) {
  v("n", m.n);
  v("avg", m.avg);
  v("m2", m.m2);
}

template <class V>
void fields(V& v, ZeroInflatedMoments& m) {
  v("all", m.all);
  v("nonzero", m.nonzero);
}

template <class V>
void fields(V& v, LogHistogram& h) {
  v("count", h.count_);
  v("zeros", h.zeros_);
  v("sum", h.sum_);
  v("min", h.min_);
  v("max", h.max_);
  v("offset", h.offset_);
  v("counts", h.counts_);
}

template <class V>
void fields(V& v, PerTrial& p) {
  v("moments", p.moments);
  v("histogram", p.histogram);
}

template <class V>
void fields(V& v, CauseTotals& c) {
  v("incidents", c.incidents);
  v("loss_incidents", c.loss_incidents);
  v("data_loss_incidents", c.data_loss_incidents);
  v("lost_bytes", c.lost_bytes);
  v("write_incidents", c.write_incidents);
  v("lost_writes", c.lost_writes);
  v("lost_records", c.lost_records);
  v("rpo_s", c.rpo_s);
  v("rpo_unbounded", c.rpo_unbounded);
}

template <class V>
void fields(V& v, LogicalTotals& l) {
  v("recoveries", l.recoveries);
  v("sources", l.sources);
  v("lost_records", l.lost_records);
  v("deleted_records", l.deleted_records);
  v("rpo_s", l.rpo_s);
  v("unbounded", l.unbounded);
  v("recovery_s", l.recovery_s);
}

template <class V>
void fields(V& v, WriteTotals& w) {
  v("issued", w.issued);
  v("acknowledged", w.acknowledged);
  v("refused", w.refused);
  v("failed", w.failed);
  v("simulated", w.simulated);
  v("degraded_acks", w.degraded_acks);
  v("degraded_lost_writes", w.degraded_lost_writes);
  v("degraded_loss_incidents", w.degraded_loss_incidents);
  v("degraded_lost_bytes", w.degraded_lost_bytes);
  v("lost_writes", w.lost_writes);
  v("refused_s", w.refused_s);
  v("rpo_s", w.rpo_s);
  v("rpo_unbounded", w.rpo_unbounded);
  v("rto_s", w.rto_s);
  v("rto_censored", w.rto_censored);
  v("latency_s", w.latency_s);
  v("lag_s", w.lag_s);
  v("restores", w.restores);
}

template <class V>
void fields(V& v, FleetTotals& f) {
  v("trials", f.trials);
  v("bytes_lost", f.bytes_lost);
  v("partitions_lost", f.partitions_lost);
  v("loss_events", f.loss_events);
  v("partitions_per_event", f.partitions_per_event);
  v("ure_events", f.ure_events);
  v("ure_partitions", f.ure_partitions);
  v("ure_reads", f.ure_reads);
  v("ure_hits", f.ure_hits);
  v("ure_bytes_lost", f.ure_bytes_lost);
  v("failures", f.failures);
  v("rebuilds", f.rebuilds);
  v("waits", f.waits);
  v("rebuild_bytes_read", f.rebuild_bytes_read);
  v("degraded_partition_s", f.degraded_partition_s);
  v("critical_partition_s", f.critical_partition_s);
  v("wait_member_s", f.wait_member_s);
}

template <class V>
void fields(V& v, ImportanceTotals& i) {
  v("weights", i.weights);
  v("biased_losses", i.biased_losses);
  v("sum_w2", i.sum_w2);
  v("max_log_ratio", i.max_log_ratio);
}

template <class V>
void fields(V& v, LossTrial& l) {
  v("trial", l.trial);
  v("kinds", l.kinds);
  v("lost_writes", l.lost_writes);
  v("lost_bytes", l.lost_bytes);
  v("lost_records", l.lost_records);
}

template <class V>
void fields(V& v, LossAccumulator& a) {
  v("horizon_s", a.horizon_s_);
  v("trials", a.trials_);
  v("trials_with_loss", a.trials_with_loss_);
  v("trials_with_hardware_loss", a.trials_with_hardware_loss_);
  v("trials_with_logical_loss", a.trials_with_logical_loss_);
  v("trials_with_data_loss", a.trials_with_data_loss_);
  v("trials_with_write_loss", a.trials_with_write_loss_);
  v("trials_with_record_loss", a.trials_with_record_loss_);
  v("loss_events", a.loss_events_);
  v("exposure_s", a.exposure_s_);
  v("lost_bytes", a.lost_bytes_);
  v("unreachable", a.unreachable_);
  v("first_loss", a.first_loss_);
  v("episodes", a.episodes_);
  v("episodes_censored", a.episodes_censored_);
  v("by_cause", a.by_cause_);
  v("events", a.events_);
  v("writes", a.writes_);
  v("logical", a.logical_);
  v("fleet", a.fleet_);
  v("importance", a.importance_);
  v("loss_trials", a.loss_trials_);
  v("loss_trials_complete", a.loss_trials_complete_);
}

namespace {

template <class T>
struct IsSequence : std::false_type {};
template <class T, std::size_t N>
struct IsSequence<std::array<T, N>> : std::true_type {};
template <class T>
struct IsSequence<std::vector<T>> : std::true_type {};

Json save_double(double x) {
  if (std::isfinite(x)) return x;
  return std::isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf");
}

struct Save {
  Json* out;

  template <class T>
  static Json value(T& x) {
    if constexpr (std::is_floating_point_v<T>) {
      return save_double(x);
    } else if constexpr (std::is_arithmetic_v<T>) {
      return x;
    } else if constexpr (IsSequence<T>::value) {
      Json list = Json::array();
      for (auto& e : x) list.push_back(value(e));
      return list;
    } else {
      Json object = Json::object();
      Save s{&object};
      fields(s, x);
      return object;
    }
  }
  template <class T>
  void operator()(const char* name, T& x) {
    (*out)[name] = value(x);
  }
};

struct Load {
  const Json* in;
  std::string at;
  std::size_t seen = 0;  // fields read

  template <class T>
  static void value(const Json& j, T& x, const std::string& where) {
    auto bad = [&where](const char* expected) {
      throw StateError("run state: " + where + " is not " + expected);
    };
    if constexpr (std::is_floating_point_v<T>) {
      if (j.is_number()) {
        x = j.get<double>();
      } else if (j == "inf") {
        x = HUGE_VAL;
      } else if (j == "-inf") {
        x = -HUGE_VAL;
      } else if (j == "nan") {
        x = std::nan("");
      } else {
        bad("a number");
      }
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!j.is_boolean()) bad("true or false");
      x = j.get<bool>();
    } else if constexpr (std::is_same_v<T, int>) {
      if (!j.is_number_integer()) bad("an integer");
      x = j.get<int>();
    } else if constexpr (std::is_arithmetic_v<T>) {
      if (!j.is_number_unsigned()) bad("a count");
      x = j.get<T>();
    } else if constexpr (IsSequence<T>::value) {
      if (!j.is_array()) bad("an array");
      if constexpr (std::is_same_v<T, std::vector<typename T::value_type>>) {
        x.resize(j.size());
      } else if (j.size() != x.size()) {
        bad("an array of the expected length");
      }
      for (std::size_t i = 0; i < x.size(); ++i) value(j[i], x[i], where + "/" + std::to_string(i));
    } else {
      if (!j.is_object()) bad("an object");
      Load l{&j, where, 0};
      fields(l, x);
      // A state of another build may hold totals this one does not know: refused, not dropped.
      if (l.seen != j.size()) bad("a state this build knows (it has fields this build lacks)");
    }
  }
  template <class T>
  void operator()(const char* name, T& x) {
    const std::string where = at + "/" + name;
    if (!in->contains(name)) throw StateError("run state: " + where + " is missing");
    ++seen;
    value((*in)[name], x, where);
  }
};

}  // namespace

Json save_state(const LossAccumulator& totals) {
  return Save::value(const_cast<LossAccumulator&>(totals));  // Save only reads
}

LossAccumulator load_state(const Json& state) {
  LossAccumulator out;
  Load::value(state, out, "");
  return out;
}

}  // namespace durasim
