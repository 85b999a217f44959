#include "durasim/scenario/report.hpp"

#include <algorithm>
#include <cmath>

#include "durasim/core/units.hpp"
#include "durasim/scenario/figures.hpp"

namespace durasim {
namespace {

Json interval_json(const Interval& i) {
  return Json::array({i.low, i.high});
}

// The mean per trial of a non-negative quantity, with its interval and the method that gave it.
// sd, the per-trial values' sample standard deviation, is what a test between two runs needs.
Json mean_json(const ZeroInflatedMoments& m) {
  return Json{{"mean", m.mean()},
              {"ci95", interval_json(m.mean_interval(0.95))},
              {"sd", std::sqrt(m.all.variance())},
              {"method", ZeroInflatedMoments::kMethod}};
}

// The trials with a loss (the first LossAccumulator::kLossTrialCap), a row each: what pairs two
// runs of one seed trial by trial (durasim compare). Trials not listed lost nothing.
Json loss_trials_json(const LossAccumulator& t) {
  Json rows = Json::array();
  for (const LossTrial& l : t.loss_trials()) {
    rows.push_back({l.trial, (l.kinds & LossTrial::kData) ? 1 : 0,
                    (l.kinds & LossTrial::kWrite) ? 1 : 0, (l.kinds & LossTrial::kRecord) ? 1 : 0,
                    l.lost_writes, l.lost_bytes, l.lost_records});
  }
  return {{"complete", t.loss_trials_complete()},
          {"cap", LossAccumulator::kLossTrialCap},
          {"columns",
           {"trial", "data_loss", "write_loss", "record_loss", "lost_writes", "lost_bytes",
            "lost_records"}},
          {"rows", rows}};
}

// Per trial: mean with interval (exact moments), quantiles from the histogram (within its
// relative error, stated beside them), exact max.
Json distribution_summary(const PerTrial& v) {
  Json out = mean_json(v.moments);
  out["p50"] = v.histogram.quantile(0.5);
  out["p99"] = v.histogram.quantile(0.99);
  out["max"] = v.histogram.max();
  out["quantile_relative_error"] = LogHistogram::kRelativeError;
  return out;
}

double annualise(double p, double horizon_s) {
  if (p >= 1.0) return 1.0;
  return -std::expm1(std::log1p(-p) * kSecondsPerYear / horizon_s);
}

// The distribution as [q-quantile, q] pairs at fixed q, from the histogram (nearest rank:
// at least a share q of the values lie at or below it; values within the histogram's relative
// error; q = 0 gives the minimum, q = 1 the exact maximum): what a CDF plot draws
// (tools/plot.py) and what compare reads a quantile's interval from. Empty when there is nothing.
Json cdf_json(const LogHistogram& h) {
  Json out = Json::array();
  if (h.count() == 0) return out;
  for (const double q : {0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95,
                         0.98, 0.99, 0.995, 0.999, 1.0}) {
    out.push_back({q == 0.0 ? h.min() : (q == 1.0 ? h.max() : h.quantile(q)), q});
  }
  return out;
}

// Over incidents: count, exact mean and max, quantiles within the histogram's relative error;
// null statistics when there is no incident to take them over (a median of nothing is not 0).
Json summary(const LogHistogram& h, const char* count_key) {
  auto stat = [&h](double v) { return h.count() == 0 ? Json(nullptr) : Json(v); };
  return {{count_key, h.count()},
          {"mean", stat(h.mean())},
          {"p50", stat(h.quantile(0.5))},
          {"p99", stat(h.quantile(0.99))},
          {"max", stat(h.max())},
          {"quantile_relative_error", LogHistogram::kRelativeError},
          {"cdf", cdf_json(h)}};
}

// RPO: the bounded ones summarised, the incidents that recovered nothing counted apart.
Json rpo_summary(const LogHistogram& bounded, std::uint64_t unbounded) {
  Json out = summary(bounded, "incidents");
  out["unbounded"] = unbounded;
  return out;
}

// Trials with a loss of some kind among n: probability with its exact interval and, when the
// trials sample the failure processes over time (no injected faults), the annualised
// probability and durability nines. An injected fault at a set time is not a sample of a year:
// annualising it would mean nothing, so those are null with a note.
Json kind_json(std::uint64_t k, std::uint64_t n, double h, bool annualisable) {
  const double p = static_cast<double>(k) / static_cast<double>(n);
  const Interval ci = clopper_pearson(k, n, 0.95);
  Json out;
  out["trials_with_loss"] = k;
  out["probability"] = {{"estimate", p}, {"ci95", interval_json(ci)}};
  if (!annualisable) {
    out["annual_probability"] = nullptr;
    out["nines"] = {{"estimate", nullptr}, {"lower_bound", nullptr}};
    out["note"] = "injected faults: the probability is of this fault timeline, not per year";
    return out;
  }
  const Interval annual{annualise(ci.low, h), annualise(ci.high, h)};
  out["annual_probability"] = {{"estimate", annualise(p, h)}, {"ci95", interval_json(annual)}};
  Json nines;
  nines["estimate"] = k == 0 ? Json(nullptr) : Json(0.0 - std::log10(annualise(p, h)));
  nines["lower_bound"] = annual.high >= 1.0 ? 0.0 : 0.0 - std::log10(annual.high);
  if (k == 0)
    nines["note"] =
        "no loss observed in " + std::to_string(n) + " trials; only a lower bound is known";
  out["nines"] = nines;
  return out;
}

Json loss_json(const LossAccumulator& t, bool annualisable) {
  const std::uint64_t n = t.trials();
  const std::uint64_t k = t.trials_with_loss();
  const double h = t.horizon_s();
  Json loss = kind_json(k, n, h, annualisable);  // any kind of loss
  const Interval mttdl = exponential_mean_interval(t.exposure_s(), k, 0.95);
  loss["mttdl_s"] =
      k == 0 || !annualisable ? Json(nullptr) : Json(t.exposure_s() / static_cast<double>(k));
  loss["mttdl_s_ci95"] =
      annualisable
          ? Json::array({mttdl.low, std::isinf(mttdl.high) ? Json(nullptr) : Json(mttdl.high)})
          : Json::array({nullptr, nullptr});
  loss["loss_events"] = t.loss_events();
  loss["lost_bytes"] = distribution_summary(t.lost_bytes());
  Json by_cause = Json::object();
  for (std::size_t c = 0; c < kFailureKindCount; ++c) {
    const CauseTotals& ct = t.by_cause()[c];
    if (ct.incidents == 0 && ct.write_incidents == 0) continue;
    by_cause[std::string(fault_kind_name(static_cast<FailureKind>(c)))] = {
        {"incidents", ct.incidents},
        {"loss_incidents", ct.loss_incidents},
        {"data_loss_incidents", ct.data_loss_incidents},
        {"lost_bytes", ct.lost_bytes},
        {"write_incidents", ct.write_incidents},
        {"lost_writes", ct.lost_writes},
        {"lost_records", ct.lost_records},
        {"rpo_s", rpo_summary(ct.rpo_s, ct.rpo_unbounded)}};
  }
  if (t.writes().degraded_loss_incidents > 0) {
    // Writes all_sync acknowledged without a sync replica that survived them (degrade_after).
    // Same shape as the fault kinds: its incidents are the write incidents that lost some.
    by_cause["degraded_ack"] = {{"incidents", t.writes().degraded_loss_incidents},
                                {"loss_incidents", t.writes().degraded_loss_incidents},
                                {"data_loss_incidents", 0},
                                {"lost_bytes", t.writes().degraded_lost_bytes},
                                {"write_incidents", t.writes().degraded_loss_incidents},
                                {"lost_writes", t.writes().degraded_lost_writes},
                                {"lost_records", 0},
                                {"rpo_s", rpo_summary(LogHistogram{}, 0)}};
  }
  if (t.fleet().ure_events > 0) {
    // Rebuilds that met an unrecoverable read error on the last members holding the data.
    by_cause["latent_error"] = {{"incidents", t.fleet().ure_events},
                                {"loss_incidents", t.fleet().ure_events},
                                {"data_loss_incidents", t.fleet().ure_events},
                                {"lost_bytes", t.fleet().ure_bytes_lost},
                                {"write_incidents", 0},
                                {"lost_writes", 0},
                                {"lost_records", 0},
                                {"rpo_s", rpo_summary(LogHistogram{}, 0)}};
  }
  loss["by_cause"] = by_cause;
  // Hardware (copies destroyed or unreachable) against logical (bad deletes) loss.
  auto effect = [n](std::uint64_t trials) {
    return Json{{"trials_with_loss", trials},
                {"probability",
                 {{"estimate", static_cast<double>(trials) / static_cast<double>(n)},
                  {"ci95", interval_json(clopper_pearson(trials, n, 0.95))}}}};
  };
  loss["by_effect"] = {{"hardware", effect(t.trials_with_hardware_loss())},
                       {"logical", effect(t.trials_with_logical_loss())}};
  // The kinds of loss apart (they overlap: a partition lost without a backup loses its writes).
  loss["data_loss"] = kind_json(t.trials_with_data_loss(), n, h, annualisable);
  loss["data_loss"]["counts"] =
      "trials in which some partition lost every copy and was not restored";
  loss["write_loss"] = kind_json(t.trials_with_write_loss(), n, h, annualisable);
  loss["write_loss"]["counts"] =
      "trials in which acknowledged writes were lost (last copy destroyed, failover, restore)";
  loss["record_loss"] = kind_json(t.trials_with_record_loss(), n, h, annualisable);
  loss["record_loss"]["counts"] = "trials in which records were lost to a bad delete";
  loss["lost_writes"] = distribution_summary(t.writes().lost_writes);
  loss["lost_records"] = distribution_summary(t.logical().lost_records);
  loss["trials"] = loss_trials_json(t);
  return loss;
}

Json logical_json(const LogicalTotals& l) {
  Json sources = Json::object();
  for (std::size_t k = 0; k < kRecoverySourceCount; ++k)
    sources[recovery_source_name(static_cast<RecoverySource>(k))] = l.sources[k];
  return {{"recoveries", l.recoveries},
          {"sources", sources},
          {"deleted_records", distribution_summary(l.deleted_records)},
          {"lost_records", distribution_summary(l.lost_records)},
          {"rpo_s", rpo_summary(l.rpo_s, l.unbounded)},
          {"recovery_s", summary(l.recovery_s, "incidents")}};
}

Json histogram_json(const LogHistogram& h) {
  return {{"count", h.count()},      {"mean", h.mean()},
          {"p50", h.quantile(0.5)},  {"p90", h.quantile(0.9)},
          {"p99", h.quantile(0.99)}, {"p999", h.quantile(0.999)},
          {"max", h.max()},          {"relative_error", LogHistogram::kRelativeError},
          {"cdf", cdf_json(h)}};
}

Json writes_json(const Scenario& s, const WriteTotals& w) {
  Json out = {{"issued", w.issued},
              {"acknowledged", w.acknowledged},
              {"refused", w.refused},
              {"failed", w.failed},
              {"simulated", w.simulated},
              {"degraded_acks", w.degraded_acks},
              {"degraded_lost_writes", w.degraded_lost_writes},
              {"unavailable_s", mean_json(w.refused_s)}};
  if (!s.write_note.empty()) out["note"] = s.write_note;
  return out;
}

Json replicas_json(const Scenario& s, const WriteTotals& w) {
  Json out = Json::array();
  for (std::size_t r = 1; r < s.copies.size(); ++r) {
    Json rep = {{"at", s.copies[r].at},
                {"mode", s.copies[r].mode == ReplicaMode::kSync ? "sync" : "async"}};
    if (s.copies[r].delay_s)
      rep["delay_s"] = *s.copies[r].delay_s;  // applies lag_s + delay_s behind
    if (r < w.lag_s.size()) {
      const LogHistogram& h = w.lag_s[r];
      rep["lag_s"] = {{"count", h.count()},
                      {"mean", h.mean()},
                      {"p50", h.quantile(0.5)},
                      {"p99", h.quantile(0.99)},
                      {"max", h.max()}};
    }
    out.push_back(rep);
  }
  return out;
}

// Summed rate of the exponential destroying modes that strike the domain at `level` above disk.
bool copy_rate(const Scenario& s, double* rate) {
  *rate = 0.0;
  for (const FailureMode& m : s.failures.modes) {
    if (effect_of(m.kind) == Effect::kOutage) return false;
    if (m.ttf.kind() != DistKind::kExponential) return false;
    if (m.replace_after && !(*m.replace_after == s.failures.replace_after)) return false;
    *rate += m.ttf.rate();
  }
  return true;
}

// Importance sampling's estimate of P(data loss within the horizon), with its normal interval,
// relative error and effective sample size, and what follows from it per year.
Json importance_json(const LossAccumulator& t, bool annualisable, std::uint32_t groups,
                     bool alike) {
  const ImportanceTotals& w = t.importance();
  const double h = t.horizon_s();
  const ImportanceTotals::AnyOf fleet = w.any_of(groups, alike);
  const double p = fleet.estimate;
  const Interval ci = fleet.ci95;
  Json out;
  out["probability"] = {{"estimate", p}, {"ci95", interval_json(ci)}};
  out["relative_error"] = p > 0.0 ? Json(fleet.relative_error) : Json(nullptr);
  out["effective_sample_size"] = w.effective_sample_size();
  out["biased_trials_with_loss"] = w.biased_losses;
  out["max_log_likelihood_ratio"] = w.biased_losses > 0 ? Json(w.max_log_ratio) : Json(nullptr);
  if (annualisable) {
    const Interval annual{annualise(ci.low, h), annualise(std::min(ci.high, 1.0), h)};
    out["annual_probability"] = {{"estimate", annualise(p, h)}, {"ci95", interval_json(annual)}};
    out["nines"] = {
        {"estimate", p > 0.0 ? Json(-std::log10(annualise(p, h))) : Json(nullptr)},
        {"lower_bound",
         annual.high > 0.0 && annual.high < 1.0 ? Json(-std::log10(annual.high)) : Json(nullptr)}};
  } else {
    out["annual_probability"] = nullptr;
    out["nines"] = {{"estimate", nullptr}, {"lower_bound", nullptr}};
  }
  out["method"] =
      "failure biasing (the failures that take a member of the groups with the most members lost, "
      "at a raised rate, equal for each) with forcing of the first failure; likelihood-ratio "
      "weights";
  if (groups > 1) {
    out["groups"] = {
        {"count", groups},
        {"per_group_probability", {{"estimate", w.estimate()}, {"ci95", interval_json(w.ci95())}}},
        {"alike", alike},
        {"note",
         std::string(
             "the groups fail independently (copysets that do not overlap, one group in "
             "each failing domain): each trial simulates one group drawn at random, and "
             "the fleet's P is 1 - prod(1 - p_g), estimated from p, the mean over groups, ") +
             (alike ? "as 1 - (1 - p)^G (the groups hold the same partitions: exact)"
                    : "as 1 - (1 - p)^G, a lower bound as the groups hold different partitions "
                      "(the gap is about G / 2 x the variance of p_g over groups, negligible when "
                      "G p is small); the interval's upper end is the union bound G p")}};
  }
  out["note"] =
      "importance sampling estimates P(data loss) only; trials stop at their first loss, and "
      "writes, bytes and repair figures of the biased trials are not estimates";
  return out;
}

Json fleet_layout_json(const Scenario& s) {
  const FleetSpec& f = *s.fleet;
  const FleetLayout& l = *s.fleet_layout;
  Json out = {{"replication", f.describe()},
              {"spread", std::string(level_name(f.spread))},
              {"placement", fleet_placement_name(f.placement)},
              {"disks", l.disks().size()},
              {"partitions", f.partitions},
              {"groups", l.groups()},
              {"distinct_sets", l.distinct_sets()},
              {"mean_scatter", l.mean_scatter()},
              {"note",
               "the layout is drawn once from the scenario seed: every trial runs the same "
               "cluster"}};
  if (f.placement == FleetPlacement::kCopyset) {
    out["scatter_width"] = f.scatter_width;
    out["copysets"] = l.copysets();
  }
  return out;
}

// The fleet's figures, each named for what it is (the "summary" says which is which).
Json fleet_json(const Scenario& s, const LossAccumulator& t, bool annualisable) {
  const FleetTotals& f = t.fleet();
  const double n = static_cast<double>(t.trials());
  const double years = t.horizon_s() / kSecondsPerYear;
  const double total_bytes = s.data.size_bytes;
  Json out;
  out["layout"] = fleet_layout_json(s);
  const Json data = kind_json(t.trials_with_data_loss(), t.trials(), t.horizon_s(), annualisable);
  out["annual_loss_probability"] = data["annual_probability"];
  // Per year of each trial's horizon: expected bytes lost over fleet bytes.
  const Interval lost = f.bytes_lost.mean_interval(0.95);
  const double per_year = annualisable ? 1.0 / years : 1.0;
  const double fraction = f.bytes_lost.mean() / total_bytes * per_year;
  const Interval fraction_ci{lost.low / total_bytes * per_year, lost.high / total_bytes * per_year};
  const char* per = annualisable ? "fraction_lost_per_year" : "fraction_lost_per_trial";
  out[per] = {{"estimate", fraction},
              {"ci95", interval_json(fraction_ci)},
              {"method", ZeroInflatedMoments::kMethod}};
  Json nines;
  nines["estimate"] = fraction > 0.0 ? Json(-std::log10(fraction)) : Json(nullptr);
  nines["lower_bound"] =
      fraction_ci.high > 0.0 ? Json(-std::log10(fraction_ci.high)) : Json(nullptr);
  if (fraction == 0.0)
    nines["note"] = "no data lost in " + std::to_string(t.trials()) +
                    " trials: the expected fraction lost has no upper bound from this run "
                    "(see annual_loss_probability)";
  if (!annualisable) {
    nines = {
        {"estimate", nullptr},
        {"lower_bound", nullptr},
        {"note", "injected faults: a fault timeline is not a year (see fraction_lost_per_trial)"}};
  }
  out["object_nines"] = nines;
  out[annualisable ? "bytes_lost_per_pb_year" : "bytes_lost_per_pb_per_trial"] = {
      {"estimate", fraction * 1e15},
      {"ci95", interval_json({fraction_ci.low * 1e15, fraction_ci.high * 1e15})}};
  Json events = summary(f.partitions_per_event, "events");
  events["per_trial"] = static_cast<double>(f.loss_events) / n;
  out["partitions_per_loss_event"] = events;
  out["partitions_lost"] = f.partitions_lost;
  out["mttdl_s"] = t.trials_with_data_loss() == 0 || !annualisable
                       ? Json(nullptr)
                       : Json(t.exposure_s() / static_cast<double>(t.trials_with_data_loss()));
  const double partition_s = n * static_cast<double>(s.fleet->partitions) * t.horizon_s();
  out["repair"] = {{"failures_per_year", static_cast<double>(f.failures) / n / years},
                   {"rebuilds_per_year", static_cast<double>(f.rebuilds) / n / years},
                   {"rebuild_bytes_read_per_year", f.rebuild_bytes_read / n / years},
                   {"degraded_fraction", f.degraded_partition_s / partition_s},
                   {"critical_fraction", f.critical_partition_s / partition_s},
                   {"waits_per_year", static_cast<double>(f.waits) / n / years},
                   {"wait_member_s_per_year", f.wait_member_s / n / years}};
  if (s.fleet_repair.ure_per_bit > 0.0) {
    const double bits = 8.0 * s.fleet->partition_bytes;
    out["latent_errors"] = {
        {"ure_rate_per_bit", s.fleet_repair.ure_per_bit},
        {"last_copy_reads", f.ure_reads},
        {"hits", f.ure_hits},
        {"hit_fraction",
         {{"estimate", f.ure_reads == 0
                           ? 0.0
                           : static_cast<double>(f.ure_hits) / static_cast<double>(f.ure_reads)},
          {"ci95", interval_json(
                       clopper_pearson(f.ure_hits, std::max<std::uint64_t>(1, f.ure_reads), 0.95))},
          {"expected", -std::expm1(-s.fleet_repair.ure_per_bit * bits)}}},
        {"loss_events", f.ure_events},
        {"partitions_lost", f.ure_partitions}};
  }
  out["summary"] = {
      {"annual_loss_probability",
       "P(the fleet loses any data within a year): what an operator "
       "sees as 'a data loss incident'"},
      {"object_nines",
       "-log10(expected fraction of the data lost per year): the per-object "
       "durability vendors quote as '11 nines'"},
      {"mttdl_s", "mean time to the fleet's first data loss (exposure / trials with a loss)"},
      {"partitions_per_loss_event",
       "how many partitions each loss event took: frequency "
       "against magnitude"}};
  return out;
}

}  // namespace

std::optional<AnalyticModel> analytic_model(const Scenario& s) {
  if (s.fleet) return std::nullopt;  // the fleet's groups: fleet_analytic (to come)
  // The chain counts copies destroyed; a restore from backup would end a loss it counts.
  if (s.data.partitions != 1 || !s.failures.faults.empty() || s.failures.modes.empty() ||
      s.failures.bad_delete || !s.failures.bad_deletes.empty() || !s.backups.schedules.empty())
    return std::nullopt;
  double rate = 0.0;
  if (!copy_rate(s, &rate)) return std::nullopt;
  // Independence: no domain struck by a failure mode may hold two copies.
  const Topology& topo = *s.topology;
  for (const FailureMode& m : s.failures.modes) {
    const Level level = *level_of(m.kind);
    for (std::uint32_t a = 0; a < s.placement->copies_per_partition(); ++a) {
      for (std::uint32_t b = a + 1; b < s.placement->copies_per_partition(); ++b) {
        if (topo.ancestor_at(s.placement->disk_of(PartitionId{0}, a), level) ==
            topo.ancestor_at(s.placement->disk_of(PartitionId{0}, b), level)) {
          return std::nullopt;
        }
      }
    }
  }
  // A single repair crew also serves failed domains that hold no copy, which the chain ignores.
  if (s.repair.policy == RepairPolicy::kSerial) {
    for (const FailureMode& m : s.failures.modes) {
      if (topo.domains_at(*level_of(m.kind)).size() != s.placement->copies_per_partition())
        return std::nullopt;
    }
  }
  const double rebuild_s = s.repair.partition_bytes / s.repair.rebuild_bandwidth_Bps;
  // With three copies or more repaired in parallel, two rebuilds at once share the surviving
  // source disk's bandwidth: the chain's independent repairs no longer describe them.
  if (s.placement->copies_per_partition() >= 3 && s.repair.policy == RepairPolicy::kParallel &&
      Duration::from_seconds(rebuild_s).ns > 0)
    return std::nullopt;
  const double repair_mean_s = s.failures.replace_after.mean() + rebuild_s;
  AnalyticModel model;
  model.chain = {s.placement->copies_per_partition(), rate, 1.0 / repair_mean_s,
                 s.repair.policy == RepairPolicy::kSerial};
  // Copies destroyed and repaired at once (means below 5.6e-309 s, rates beyond a double) have
  // no limiting chain.
  if (model.chain.copies >= 2 && std::isinf(model.chain.failure_rate) &&
      std::isinf(model.chain.repair_rate))
    return std::nullopt;
  // Exact when the rebuild rounds to no simulated time at all.
  model.exact = s.failures.replace_after.kind() == DistKind::kExponential &&
                Duration::from_seconds(rebuild_s).ns == 0;
  return model;
}

std::optional<FleetAnalyticModel> fleet_analytic_model(const Scenario& s) {
  if (!s.fleet || !s.failures.faults.empty() || s.failures.modes.empty()) return std::nullopt;
  FleetAnalyticModel model;
  double rate = 0.0;
  for (const FailureMode& m : s.failures.modes) {
    // A domain above the spread level may hold several members of one group.
    if (m.ttf.kind() != DistKind::kExponential || *level_of(m.kind) < s.fleet->spread)
      return std::nullopt;
    rate += m.ttf.rate();
  }
  std::vector<std::string> why = fleet_group_coupling(s);
  const MemberRepairTime t = member_repair_time(s);
  const double negligible = 1e-6 * t.mean_s;
  if (s.fleet_repair.detect_after.kind() != DistKind::kExponential || t.rebuild_s > negligible ||
      t.replace_s > negligible)
    why.emplace_back(
        "the repair time is not exponential (detect_after exponential, rebuild and "
        "replacement negligible make it so)");
  model.group = {.width = s.fleet->width(),
                 .tolerated = s.fleet->tolerated(),
                 .failure_rate = rate,
                 .repair_rate = t.mean_s > 0.0 ? 1.0 / t.mean_s : HUGE_VAL,
                 .serial = s.fleet_repair.serial};
  if (std::isinf(model.group.failure_rate) && std::isinf(model.group.repair_rate))
    return std::nullopt;
  model.groups = s.fleet_layout->groups();
  model.exact = why.empty();
  for (std::size_t i = 0; i < why.size(); ++i) model.why += (i ? "; " : "") + why[i];
  return model;
}

Json make_fleet_markov_report(const Scenario& s) {
  const std::optional<FleetAnalyticModel> model = fleet_analytic_model(s);
  if (!model) return nullptr;
  const FleetChainAnswer a = solve_fleet_chain(model->group, model->groups, s.horizon.seconds());
  Json out = {
      {"states", a.states},
      {"mttdl_s", std::isinf(a.mttdl_s) ? Json(nullptr) : Json(a.mttdl_s)},
      {"probability", a.probability},
      {"exact", model->exact},
      {"groups", a.groups},
      {"group_probability", a.group_probability},
      {"group_mttdl_s", std::isinf(a.group_mttdl_s) ? Json(nullptr) : Json(a.group_mttdl_s)},
      {"model", model->exact ? "CTMC of " + std::to_string(a.groups) + " independent groups (exact)"
                             : "CTMC of " + std::to_string(a.groups) +
                                   " groups taken as independent, exponential repair "
                                   "(approximation: " +
                                   model->why + ")"}};
  if (std::isinf(a.mttdl_s))
    out["mttdl_note"] = "the MTTDL is longer than 1.8e308 s, the largest number a double holds";
  return out;
}

Json make_markov_report(const Scenario& s) {
  if (s.fleet) return make_fleet_markov_report(s);
  const std::optional<AnalyticModel> model = analytic_model(s);
  if (!model) return nullptr;
  const CtmcAnswer a = solve_replica_chain(model->chain, s.horizon.seconds());
  Json out = {{"states", a.states},
              {"mttdl_s", a.mttdl_s},
              {"probability", a.probability},
              {"exact", model->exact}};
  if (std::isinf(a.mttdl_s)) {  // JSON has no infinity
    out["mttdl_s"] = nullptr;
    out["mttdl_note"] = "the MTTDL is longer than 1.8e308 s, the largest number a double holds";
  } else if (a.mttdl_s == 0.0) {  // only when the failure rate is beyond a double
    out["mttdl_note"] = "copies fail within 5.6e-309 s on average: the MTTDL is below 2e-308 s";
  }
  return out;
}

Json make_report(const Scenario& s, const LossAccumulator& t, const RunInfo& run) {
  Json r;
  r["durasim_version"] = DURASIM_VERSION;
  r["seed"] = s.seed;
  r["trials"] = run.partial ? t.trials() : s.trials;
  if (run.partial) r["partial"] = true;
  r["run"] = {{"command", run.command}, {"threads", run.threads}, {"wall_s", run.wall_s}};
  r["scenario"] = s.resolved;
  r["write_model"] = write_model_name(s.writes.model);
  if (s.writes.model == WriteModel::kWindowed) {
    r["write_window_s"] = {{"steady_state", s.writes.window_s},
                           {"latency", s.writes.latency_window_s}};
  }
  const bool annualisable = s.failures.faults.empty() && s.failures.bad_deletes.empty();
  r["loss"] = loss_json(t, annualisable);
  // Over every incident: write incidents and bad-delete recoveries; those that recovered nothing
  // (no backup, no clean source) are counted apart as unbounded.
  // Without writes a write incident loses nothing, so its RPO of 0 measures nothing: only the
  // losses that recovered nothing (unbounded) and bad-delete recoveries are counted then.
  const bool writes = s.writes.model != WriteModel::kNone;
  LogHistogram rpo = writes ? t.writes().rpo_s : LogHistogram{};
  rpo.merge(t.logical().rpo_s);
  r["rpo_s"] = rpo_summary(rpo, t.writes().rpo_unbounded + t.logical().unbounded);
  if (!writes)
    r["rpo_s"]["note"] = "no writes simulated: bounded RPOs of lost writes are not measured";
  // Times to recover that ended within the horizon; those it cut are counted apart (censored):
  // their length is unknown, and the horizon would pass for one.
  r["rto_s"] = summary(t.writes().rto_s, "incidents");
  r["rto_s"]["censored"] = t.writes().rto_censored;
  r["unavailability_s"] = mean_json(t.unreachable());
  Json episodes = summary(t.episodes(), "count");
  episodes["censored"] = t.episodes_censored();
  r["unavailability_s"]["episodes"] = episodes;
  r["write_latency_s"] = histogram_json(t.writes().latency_s);
  r["writes"] = writes_json(s, t.writes());
  r["replicas"] = replicas_json(s, t.writes());
  const auto& restores = t.writes().restores;
  r["restores"] = {
      {"count", restores[0] + restores[1] + restores[2]},
      {"from",
       {{"full", restores[0]}, {"incremental", restores[1]}, {"wal_archive", restores[2]}}}};
  r["logical"] = logical_json(t.logical());
  r["events"] = {{"total", t.events()},
                 {"per_trial", static_cast<double>(t.events()) / static_cast<double>(t.trials())}};
  if (s.fleet) r["fleet"] = fleet_json(s, t, annualisable);
  if (s.estimator == Estimator::kImportance) {
    // The figures of the biased trials are no estimates: P(data loss) is the weighted one.
    const std::uint32_t groups = importance_groups(s);
    Json is = importance_json(t, annualisable, groups, importance_groups_alike(s));
    // Many failures per horizon where the weights are made: each degraded period multiplies the
    // weights, which grow heavy-tailed (scenarios/README, Importance sampling). A trial of one
    // group (split, or a fleet of one) has its members' failures; a coupled fleet, every domain's.
    const bool whole = groups == 1 && s.fleet_layout->groups() > 1;
    double failures_per_horizon = 0.0;
    for (const FailureMode& m : s.failures.modes) {
      double domains = 0.0;
      if (whole) {
        domains = static_cast<double>(s.topology->domains_at(*level_of(m.kind)).size());
      } else {
        std::vector<DomainId> above;
        for (std::uint32_t g = 0; g < s.fleet_layout->groups(); ++g)
          for (const std::uint32_t d : s.fleet_layout->members(g))
            above.push_back(s.topology->ancestor_at(DomainId{std::size_t{d}}, *level_of(m.kind)));
        std::sort(above.begin(), above.end());
        domains = static_cast<double>(std::unique(above.begin(), above.end()) - above.begin()) /
                  static_cast<double>(s.fleet_layout->groups());
      }
      failures_per_horizon += domains * m.ttf.rate() * s.horizon.seconds();
    }
    if (failures_per_horizon > 1.0) {
      std::string text =
          "about " + format_number(failures_per_horizon) +
          (whole ? " failures per horizon" : " failures of a group's members per horizon") +
          ": the weights of this estimator grow heavy-tailed with many degraded "
          "periods, and its interval understates the error (the estimate tends to "
          "run low). ";
      if (whole) {
        text += "Independent groups are estimated one at a time, but not these: ";
        const std::vector<std::string> why = fleet_group_coupling(s);
        for (std::size_t i = 0; i < why.size(); ++i) text += (i ? "; " : "") + why[i];
      } else {
        text += "A shorter horizon keeps them few (the report annualises).";
      }
      is["warning"] = text;
    }
    r["importance"] = is;
    auto weighted = [&is](Json& kind) {
      kind["probability"] = is["probability"];
      kind["annual_probability"] = is["annual_probability"];
      kind["nines"] = is["nines"];
      kind["estimator"] = "importance";
    };
    weighted(r["loss"]);  // (one at a time: an ordered map moves its elements as it grows)
    weighted(r["loss"]["data_loss"]);
    // The fleet form's hardware loss is its data loss; bytes of biased trials are no estimate.
    r["loss"]["by_effect"]["hardware"]["probability"] = is["probability"];
    r["loss"]["lost_bytes"] = nullptr;
    r["loss"]["trials"] = nullptr;  // biased trials: no pairing
    r["loss"]["mttdl_s"] = nullptr;
    r["loss"]["mttdl_s_ci95"] = Json::array({nullptr, nullptr});
    r["fleet"] = {{"layout", fleet_layout_json(s)},
                  {"annual_loss_probability", is["annual_probability"]},
                  {"note", is["note"]}};
  }
  const Json analytic = make_markov_report(s);
  if (!analytic.is_null()) r["analytic"] = analytic;
  if (!s.expectations.empty())
    r["expectations"] = expectations_json(judge_expectations(s.expectations, r));
  return r;
}

}  // namespace durasim
