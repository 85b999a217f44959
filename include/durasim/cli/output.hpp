// The output files of one command: checked before anything runs, written all or none.
//
// A path is resolved when added: "-" is standard output; symlinks are followed to their final
// target, which is what gets written (the link stays); a regular file, or a new one, is written
// to a temporary file in its target's folder and renamed over it at commit; a device or fifo is
// opened at once and written directly. Every write, flush, fsync and close is checked (an I/O
// error is a std::system_error). Two outputs that are one file (after following links, by
// device and inode), or an output that is one of the inputs, are refused with UsageError; a
// folder that does not exist, or a target that cannot be opened, is an I/O error at once.
//
// Invariant: before commit(), no regular file has been replaced or created (only temporaries,
// removed by the destructor); commit() finishes every output (flush, fsync of temporaries,
// close) before renaming any of them, so a failed write or a full disk leaves every file as it
// was. (A rename within one folder fails only if the folder changes underneath.)
//
//   OutputSet outputs(std::cout);
//   outputs.add_input("scenario.json");
//   Output& json = outputs.add("--json", "report.json");
//   Output& trace = outputs.add("--trace", "trace.jsonl");
//   trace.write(line);     // streamed into its temporary while the run goes on
//   json.write(report);
//   outputs.commit();      // or destroy `outputs` to drop every temporary
#pragma once

#include <sys/types.h>

#include <deque>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "durasim/core/usage_error.hpp"

namespace durasim {

class Output {
 public:
  enum class Kind {
    kStdout,     // the stream given to the OutputSet
    kTemporary,  // a regular or new file: a temporary in its folder, renamed at commit
    kDirect,     // a device, fifo or socket: written in place
  };

  Output(std::string option, std::string given, std::ostream& stdout_stream);
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  ~Output();

  // Buffered; throws std::system_error when a write fails.
  void write(std::string_view data);
  Kind kind() const { return kind_; }
  const std::string& given() const { return given_; }  // as on the command line
  bool is_stdout() const { return kind_ == Kind::kStdout; }

 private:
  friend class OutputSet;
  void flush_buffer();
  void finish();  // flush; fsync and close a temporary; close a direct target
  void rename_into_place();
  void discard();  // close, remove the temporary if not renamed

  std::string option_, given_;
  std::ostream* stdout_;
  Kind kind_ = Kind::kStdout;
  std::string target_;                  // the file finally written (links followed)
  std::string temp_;                    // kTemporary: the temporary beside target_
  std::pair<dev_t, ino_t> identity_{};  // of the target, or of its folder for a new file
  std::string new_name_;                // a new file: its name in that folder
  int fd_ = -1;
  std::string buffer_;
  bool committed_ = false;
};

class OutputSet {
 public:
  explicit OutputSet(std::ostream& stdout_stream) : stdout_(&stdout_stream) {}

  // An input file no output may be. Throws std::system_error if it cannot be examined.
  void add_input(const std::string& path);
  // Resolves and opens PATH (given to OPTION, for messages) before anything runs; throws
  // UsageError when it clashes with an input or another output, std::system_error when it
  // cannot be opened. The reference stays valid for the set's life.
  Output& add(const std::string& option, const std::string& path);
  bool writes_stdout() const;
  // Finishes every output, then renames every temporary into place. Throws on the first
  // failure; temporaries not yet renamed are removed by the destructor.
  void commit();

 private:
  std::ostream* stdout_;
  std::vector<std::pair<std::string, std::pair<dev_t, ino_t>>> inputs_;
  std::deque<Output> outputs_;
};

}  // namespace durasim
