#include "meta/json_members.h"

#include "absl/strings/numbers.h"

namespace rung::meta {

using nlohmann::json;

const json* MemberOf(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string StringMember(const json& object, const char* key) {
  const json* member = MemberOf(object, key);
  return member != nullptr && member->is_string() ? member->get<std::string>() : std::string();
}

double NumberMember(const json& object, const char* key) {
  const json* member = MemberOf(object, key);
  if (member == nullptr) return 0;
  if (member->is_number()) return member->get<double>();
  double value = 0;
  if (member->is_string() && absl::SimpleAtod(member->get_ref<const std::string&>(), &value)) {
    return value;
  }
  return 0;
}

int64_t IntMember(const json& object, const char* key) {
  const json* member = MemberOf(object, key);
  if (member == nullptr) return 0;
  if (member->is_number_integer()) return member->get<int64_t>();
  int64_t value = 0;
  if (member->is_string() && absl::SimpleAtoi(member->get_ref<const std::string&>(), &value)) {
    return value;
  }
  return 0;
}

}  // namespace rung::meta
