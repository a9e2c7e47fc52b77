#ifndef RUNG_META_JSON_MEMBERS_H_
#define RUNG_META_JSON_MEMBERS_H_

// Lenient reads of members of Meta's JSON: a member that is missing or of
// another type reads as empty or 0, for answers whose shape is advisory
// (errors, usage headers). Records that are stored are read strictly, by the
// importer's readers, instead.

#include <cstdint>
#include <string>

#include "nlohmann/json.hpp"

namespace rung::meta {

// The member, or null when `object` is no object or has no such member.
const nlohmann::json* MemberOf(const nlohmann::json& object, const char* key);

// The member's string, or "" when `object` is no object or the member is
// missing or not a string.
std::string StringMember(const nlohmann::json& object, const char* key);

// A number Meta writes as a JSON number or as a decimal string ("85"); 0 when
// it is neither.
double NumberMember(const nlohmann::json& object, const char* key);
int64_t IntMember(const nlohmann::json& object, const char* key);

}  // namespace rung::meta

#endif  // RUNG_META_JSON_MEMBERS_H_
