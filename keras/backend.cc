#include "keras/backend.h"

#include <cctype>
#include <map>

namespace kiln::keras::backend {
namespace {

struct State {
  std::map<std::string, int> uids;
  std::mt19937_64 generator{1337};
};

State& GetState() {
  static State state;
  return state;
}

}  // namespace

std::string UniqueObjectName(const std::string& prefix) {
  int n = GetState().uids[prefix]++;
  return n == 0 ? prefix : prefix + "_" + std::to_string(n);
}

void clear_session() { GetState().uids.clear(); }

std::mt19937_64& GlobalGenerator() { return GetState().generator; }

void SetSeed(uint64_t seed) { GetState().generator.seed(seed); }

std::string ToSnakeCase(const std::string& class_name) {
  std::string out;
  for (size_t i = 0; i < class_name.size(); ++i) {
    char c = class_name[i];
    if (std::isupper(static_cast<unsigned char>(c))) {
      bool prev_lower = i > 0 && std::islower(static_cast<unsigned char>(class_name[i - 1]));
      bool next_lower =
          i + 1 < class_name.size() && std::islower(static_cast<unsigned char>(class_name[i + 1]));
      if (i > 0 && (prev_lower ||
                    (next_lower && std::isupper(static_cast<unsigned char>(class_name[i - 1])))))
        out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

ValueRef L2Normalize(GraphBuilder& b, ValueRef x, int64_t axis) {
  const DType t = b.type(x).dtype;
  ValueRef sq = b.Op("ReduceSum", {b.Op("Square", {x})},
                     {{"axes", std::vector<int64_t>{axis}}, {"keep_dims", true}});
  ValueRef inv =
      b.Op("Minimum", {b.Op("Div", {b.Scalar(1, t), b.Op("Sqrt", {sq})}), b.Scalar(1e7, t)});
  return b.Op("Mul", {x, inv});
}

}  // namespace kiln::keras::backend
