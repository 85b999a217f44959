#include "durasim/cli/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <system_error>

namespace durasim {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kBufferBytes = 1 << 20;
constexpr int kMaxLinks = 40;  // as the kernel's ELOOP limit

[[noreturn]] void fail(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), what);
}

std::pair<dev_t, ino_t> identity_of(const struct stat& st) {
  return {st.st_dev, st.st_ino};
}

// Follows PATH through symlinks to the file a write would reach (which may not exist yet).
std::string follow_links(const std::string& given) {
  fs::path p = given;
  for (int i = 0; i < kMaxLinks; ++i) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) {
      if (errno == ENOENT) return p.string();
      fail(errno, "cannot write '" + given + "'");
    }
    if (!S_ISLNK(st.st_mode)) return p.string();
    std::error_code ec;
    const fs::path target = fs::read_symlink(p, ec);
    if (ec) fail(ec.value(), "cannot write '" + given + "'");
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  fail(ELOOP, "cannot write '" + given + "'");
}

std::atomic<unsigned> g_temp_counter{0};

}  // namespace

Output::Output(std::string option, std::string given, std::ostream& stdout_stream)
    : option_(std::move(option)), given_(std::move(given)), stdout_(&stdout_stream) {
  if (given_ == "-") return;
  const std::string cannot = "cannot write " + option_ + " '" + given_ + "'";
  struct stat st {};
  if (::stat(given_.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    // A device or fifo, opened by the name given: /dev/stdout on a pipe links to no real path.
    kind_ = Kind::kDirect;
    identity_ = identity_of(st);
    target_ = given_;
    fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd_ < 0) fail(errno, cannot);
    return;
  }
  target_ = follow_links(given_);
  const bool exists = ::stat(target_.c_str(), &st) == 0;
  if (exists) {
    identity_ = identity_of(st);
    if (S_ISDIR(st.st_mode)) fail(EISDIR, cannot);
  } else if (errno != ENOENT) {
    fail(errno, cannot);
  }
  kind_ = Kind::kTemporary;
  const fs::path target = target_;
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  struct stat folder_st {};
  if (::stat(folder.c_str(), &folder_st) != 0)
    fail(errno, cannot + " (folder '" + folder.string() + "')");
  if (!S_ISDIR(folder_st.st_mode)) fail(ENOTDIR, cannot + " (folder '" + folder.string() + "')");
  if (!target.has_filename()) fail(EISDIR, cannot);  // "new-folder/"
  if (!exists) {
    identity_ = identity_of(folder_st);
    new_name_ = target.filename().string();
  }
  // A hidden name in the same folder, so that rename() replaces the target atomically.
  for (int attempt = 0; fd_ < 0; ++attempt) {
    temp_ = (folder / ("." + target.filename().string() + "." + std::to_string(::getpid()) + "." +
                       std::to_string(g_temp_counter++) + ".tmp"))
                .string();
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ < 0 && (errno != EEXIST || attempt > 100)) {
      temp_.clear();
      fail(errno, cannot);
    }
  }
  // The replaced file keeps its permissions; a new one gets 0666 less the umask.
  if (exists && ::fchmod(fd_, st.st_mode & 07777) != 0) {
    const int error = errno;
    discard();  // no destructor runs for an object whose constructor throws
    fail(error, cannot);
  }
}

Output::~Output() {
  discard();
}

void Output::write(std::string_view data) {
  if (kind_ == Kind::kStdout) {
    stdout_->write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!*stdout_) fail(EIO, "cannot write " + option_ + " to standard output");
    return;
  }
  buffer_.append(data);
  if (buffer_.size() >= kBufferBytes) flush_buffer();
}

void Output::flush_buffer() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(n < 0 ? errno : EIO, "cannot write " + option_ + " '" + given_ + "'");
    done += static_cast<std::size_t>(n);
  }
  buffer_.clear();
}

void Output::finish() {
  const std::string cannot = "cannot write " + option_ + " '" + given_ + "'";
  switch (kind_) {
    case Kind::kStdout:
      stdout_->flush();
      if (!*stdout_) fail(EIO, "cannot write " + option_ + " to standard output");
      return;
    case Kind::kTemporary:
    case Kind::kDirect: {
      flush_buffer();
      if (kind_ == Kind::kTemporary && ::fsync(fd_) != 0) fail(errno, cannot);
      const int fd = std::exchange(fd_, -1);
      if (::close(fd) != 0) fail(errno, cannot);
      return;
    }
  }
}

void Output::rename_into_place() {
  if (kind_ != Kind::kTemporary) return;
  if (::rename(temp_.c_str(), target_.c_str()) != 0)
    fail(errno, "cannot write " + option_ + " '" + given_ + "'");
  committed_ = true;
}

void Output::discard() {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  if (kind_ == Kind::kTemporary && !committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

void OutputSet::add_input(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) fail(errno, "cannot read '" + path + "'");
  inputs_.emplace_back(path, identity_of(st));
}

Output& OutputSet::add(const std::string& option, const std::string& path) {
  Output& o = outputs_.emplace_back(option, path, *stdout_);
  auto same = [&o](const Output& other) {
    if (o.is_stdout() || other.is_stdout()) return o.is_stdout() && other.is_stdout();
    return o.identity_ == other.identity_ && o.new_name_ == other.new_name_;
  };
  for (const auto& [input, identity] : inputs_) {
    if (o.new_name_.empty() && !o.is_stdout() && o.identity_ == identity) {
      outputs_.pop_back();
      throw UsageError(option + " '" + path + "' is the input file '" + input +
                       "'; the report would replace it");
    }
  }
  for (std::size_t i = 0; i + 1 < outputs_.size(); ++i) {
    if (same(outputs_[i])) {
      const std::string other = outputs_[i].option_ + " '" + outputs_[i].given_ + "'";
      outputs_.pop_back();
      throw UsageError(option + " '" + path + "' and " + other +
                       " are the same file; one would overwrite the other");
    }
  }
  return o;
}

bool OutputSet::writes_stdout() const {
  for (const Output& o : outputs_) {
    if (o.is_stdout()) return true;
  }
  return false;
}

void OutputSet::commit() {
  // Temporaries first (a full disk shows here), then direct targets, then the renames.
  for (Output& o : outputs_) {
    if (o.kind_ == Output::Kind::kTemporary) o.finish();
  }
  for (Output& o : outputs_) {
    if (o.kind_ != Output::Kind::kTemporary) o.finish();
  }
  for (Output& o : outputs_) o.rename_into_place();
}

}  // namespace durasim
