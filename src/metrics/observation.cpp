#include "durasim/metrics/observation.hpp"

namespace durasim {

void LossAccumulator::add(const TrialObservation& obs) {
  ++trials_;
  if (obs.first_loss_s >= 0.0) {
    ++trials_with_loss_;
    exposure_s_ += obs.first_loss_s;
    first_loss_values_.push_back(obs.first_loss_s);
  } else {
    exposure_s_ += horizon_s_;
  }
  loss_events_ += obs.loss_events;
  lost_bytes_.add(obs.lost_bytes);
  lost_bytes_values_.push_back(obs.lost_bytes);
  unavailable_.add(obs.unavailable_s);
  episodes_.insert(episodes_.end(), obs.unavailable_episodes_s.begin(),
                   obs.unavailable_episodes_s.end());
  for (const Incident& i : obs.incidents) {
    CauseTotals& c = by_cause_[static_cast<std::size_t>(i.kind)];
    ++c.incidents;
    if (i.lost_partitions > 0) ++c.loss_incidents;
    c.lost_bytes += i.lost_bytes;
  }
  events_ += obs.events;
}

void LossAccumulator::merge(const LossAccumulator& o) {
  trials_ += o.trials_;
  trials_with_loss_ += o.trials_with_loss_;
  loss_events_ += o.loss_events_;
  exposure_s_ += o.exposure_s_;
  lost_bytes_.merge(o.lost_bytes_);
  unavailable_.merge(o.unavailable_);
  lost_bytes_values_.insert(lost_bytes_values_.end(), o.lost_bytes_values_.begin(),
                            o.lost_bytes_values_.end());
  first_loss_values_.insert(first_loss_values_.end(), o.first_loss_values_.begin(),
                            o.first_loss_values_.end());
  episodes_.insert(episodes_.end(), o.episodes_.begin(), o.episodes_.end());
  for (std::size_t k = 0; k < by_cause_.size(); ++k) {
    by_cause_[k].incidents += o.by_cause_[k].incidents;
    by_cause_[k].loss_incidents += o.by_cause_[k].loss_incidents;
    by_cause_[k].lost_bytes += o.by_cause_[k].lost_bytes;
  }
  events_ += o.events_;
}

}  // namespace durasim
