// Status and Expected<T>: failures the caller can act on travel as values (leveldb style).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace triage {

// Status is ok, or an error code plus a human-readable message. Cheap to copy when ok.
class Status {
 public:
  Status() = default;
  static Status ok() { return Status(); }
  // `code` is a stable, machine-readable kebab-case word (e.g. "io", "invalid-input");
  // `message` is for people.
  static Status error(std::string code, std::string message) {
    Status s;
    s.code_ = std::move(code);
    s.message_ = std::move(message);
    return s;
  }
  bool is_ok() const { return code_.empty(); }
  explicit operator bool() const { return is_ok(); }
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  std::string code_;
  std::string message_;
};

// Expected<T> holds a T or a non-ok Status.
template <typename T>
class Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Expected(Status error) : v_(std::move(error)) {}     // NOLINT: implicit by design
  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  // The error; only valid when !has_value().
  const Status& status() const { return std::get<1>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace triage
