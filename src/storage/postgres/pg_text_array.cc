#include "storage/postgres/pg_text_array.h"

#include <utility>

namespace rung {
namespace {

// array_recv's header: dimensions, a has-nulls flag, the element type, then
// per dimension its length and lower bound. All integers are big-endian.
constexpr int32_t kDimensions = 1;
constexpr int32_t kTextTypeOid = 25;  // pg_type's text, the same in every release
constexpr int32_t kLowerBound = 1;
constexpr size_t kFlagsOffset = 4;
constexpr size_t kLengthOffset = 12;
constexpr size_t kHeaderBytes = 20;
constexpr int32_t kNullLength = -1;

void PutInt32(int32_t value, char* out) {
  const auto bits = static_cast<uint32_t>(value);
  out[0] = static_cast<char>(bits >> 24);
  out[1] = static_cast<char>(bits >> 16);
  out[2] = static_cast<char>(bits >> 8);
  out[3] = static_cast<char>(bits);
}

}  // namespace

PgTextArray::PgTextArray() {
  bytes_.resize(kHeaderBytes);
  PutInt32(kDimensions, bytes_.data());
  PutInt32(kTextTypeOid, bytes_.data() + 8);
  PutInt32(kLowerBound, bytes_.data() + 16);
}

void PgTextArray::AppendInt32(int32_t value) {
  char encoded[4];
  PutInt32(value, encoded);
  bytes_.append(encoded, sizeof(encoded));
}

void PgTextArray::Add(absl::string_view text) {
  AppendInt32(static_cast<int32_t>(text.size()));
  bytes_.append(text.data(), text.size());
  ++count_;
}

void PgTextArray::AddNull() {
  AppendInt32(kNullLength);
  has_nulls_ = true;
  ++count_;
}

PgParam PgTextArray::Param() && {
  PutInt32(has_nulls_ ? 1 : 0, bytes_.data() + kFlagsOffset);
  PutInt32(count_, bytes_.data() + kLengthOffset);
  return PgParam::Binary(std::move(bytes_));
}

}  // namespace rung
