#ifndef RUNG_API_ANSWER_CODEC_H_
#define RUNG_API_ANSWER_CODEC_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "zstd.h"

namespace rung {

// Compresses serialized answers with a zstd dictionary trained on sample
// answers. One answer alone compresses poorly, but answers share most of
// their bytes (rule names, reason texts, event names, id prefixes), which a
// dictionary holds once: about 665 bytes become about 90 (BENCHMARKS.md).
//
// Thread-safe: the dictionaries are read-only, and each thread compresses
// and decompresses with contexts of its own.
class AnswerCodec {
 public:
  // Fails when zstd learns nothing from the samples: too few bytes in all.
  static absl::StatusOr<std::unique_ptr<const AnswerCodec>> Train(
      const std::vector<std::string>& samples);

  ~AnswerCodec();
  AnswerCodec(const AnswerCodec&) = delete;
  AnswerCodec& operator=(const AnswerCodec&) = delete;

  // Appends `answer`, compressed, to `*out`; false (and `*out` as it was)
  // when zstd fails, which only running out of memory makes it do.
  bool CompressTo(absl::string_view answer, std::string* out) const;

  // Replaces `*answer` with what `compressed` holds; false when it is not
  // something CompressTo made with this dictionary.
  bool Decompress(absl::string_view compressed, std::string* answer) const;

  int64_t dictionary_bytes() const { return dictionary_bytes_; }

 private:
  AnswerCodec(ZSTD_CDict* compress, ZSTD_DDict* decompress, int64_t dictionary_bytes);

  ZSTD_CDict* const compress_;
  ZSTD_DDict* const decompress_;
  const int64_t dictionary_bytes_;
};

}  // namespace rung

#endif  // RUNG_API_ANSWER_CODEC_H_
