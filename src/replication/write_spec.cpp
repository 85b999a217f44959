#include "durasim/replication/write_spec.hpp"

#include "durasim/core/assert.hpp"

namespace durasim {

const char* write_model_name(WriteModel m) {
  switch (m) {
    case WriteModel::kNone:
      return "none";
    case WriteModel::kFull:
      return "full";
    case WriteModel::kWindowed:
      return "windowed";
  }
  DURASIM_ASSERT(false);
}

}  // namespace durasim
