// Result<T>: a value or an error message, for parsers that must report rather than throw.
//
//   Result<double> r = parse_duration_seconds("5 parsecs");
//   if (!r) report(r.error());                    // "unknown duration unit 'parsecs' ..."
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace durasim {

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  static Result failure(std::string message) { return Result(Error{std::move(message)}); }

  explicit operator bool() const { return std::holds_alternative<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  const T& operator*() const { return value(); }
  const T* operator->() const { return &value(); }
  const std::string& error() const { return std::get<Error>(v_).message; }

 private:
  struct Error {
    std::string message;
  };
  explicit Result(Error e) : v_(std::move(e)) {}
  std::variant<T, Error> v_;
};

}  // namespace durasim
