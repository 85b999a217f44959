// Running the command line in tests: run_cli with its stdout and stderr captured, and a fresh
// folder per test for the files it writes.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "durasim/cli/app.hpp"

namespace durasim {

namespace fs = std::filesystem;

struct Cli {
  int code = -1;
  std::string out, err;
};

inline Cli cli(std::vector<std::string> args, std::ostream* out_stream = nullptr) {
  args.insert(args.begin(), "durasim");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  Cli r;
  r.code = run_cli(static_cast<int>(argv.size()), argv.data(), out_stream ? *out_stream : out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

// A fresh folder per test, removed after it.
class CliFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("durasim-cli-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
  fs::path dir_;
};

}  // namespace durasim
