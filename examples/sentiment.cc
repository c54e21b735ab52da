#include "examples/sentiment.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <numeric>
#include <random>
#include <stdexcept>

#include "examples/csv.h"

namespace kiln::examples {

using namespace kiln::keras;

const std::vector<std::string>& NegationVocabulary() {
  static const std::vector<std::string> v = {
      "",      "not",    "good",   "great", "fun",    "brilliant", "bad",     "dull",
      "awful", "boring", "the",    "film",  "movie",  "plot",      "was",     "is",
      "a",     "and",    "actors", "story", "ending", "it",        "this",    "very",
      "quite", "of",     "script", "music", "scenes", "director",  "really",  "cast",
      "its",   "at",     "times",  "all",   "in",     "that",      "overall", "show"};
  return v;
}

int64_t NegationVocabularySize() { return static_cast<int64_t>(NegationVocabulary().size()); }

TextData MakeNegationData(int64_t n, uint32_t seed, int64_t max_len) {
  if (max_len < 4) throw std::invalid_argument("MakeNegationData: max_len must be at least 4");
  TextData d{Tensor(kInt32, {n, max_len}), Tensor(kFloat32, {n, 1})};
  std::mt19937 rng(seed);
  const int32_t fillers = static_cast<int32_t>(NegationVocabularySize()) - kFirstFiller;
  for (int64_t i = 0; i < n; ++i) {
    int32_t* t = d.tokens.data<int32_t>() + i * max_len;
    const int64_t len = 4 + static_cast<int64_t>(rng() % (max_len - 3));
    for (int64_t s = 0; s < max_len; ++s)
      t[s] = s < len ? kFirstFiller + static_cast<int32_t>(rng() % fillers) : 0;
    const int64_t word_at = rng() % len;
    int64_t not_at = rng() % (len - 1);
    if (not_at >= word_at) ++not_at;  // uniform over the other positions
    const bool positive = rng() % 2;
    t[word_at] = (positive ? kFirstPositive : kFirstNegative) + static_cast<int32_t>(rng() % 4);
    t[not_at] = kNotToken;
    d.labels.data<float>()[i] = positive != (not_at < word_at) ? 1.f : 0.f;
  }
  return d;
}

std::string Words(const TextData& d, int64_t row, const std::vector<std::string>& vocabulary) {
  const int64_t len = d.tokens.shape()[1];
  std::string s;
  for (int64_t j = 0; j < len; ++j) {
    const int32_t t = d.tokens.data<int32_t>()[row * len + j];
    if (t == 0) continue;
    if (!s.empty()) s += ' ';
    s += t < static_cast<int32_t>(vocabulary.size()) ? vocabulary[t] : "?";
  }
  return s;
}

std::vector<std::string> Tokenize(const std::string& text) {
  std::vector<std::string> words;
  std::string w;
  for (const char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c < 128 && (std::isalnum(c) || c == '\'')) {
      w += static_cast<char>(std::tolower(c));
    } else if (!w.empty()) {
      words.push_back(std::move(w));
      w.clear();
    }
  }
  if (!w.empty()) words.push_back(std::move(w));
  // Quotes around a word are not part of it ("'great'" -> great); a lone apostrophe is no word.
  std::vector<std::string> out;
  for (std::string& x : words) {
    const size_t b = x.find_first_not_of('\''), e = x.find_last_not_of('\'');
    if (b != std::string::npos) out.push_back(x.substr(b, e - b + 1));
  }
  return out;
}

Corpus LoadLabeledCsv(const std::string& path, const std::string& text_column,
                      const std::string& label_column, const std::string& positive,
                      const std::string& negative) {
  const CsvTable t = ReadCsv(path);
  const size_t text = ColumnIndex(t, text_column), label = ColumnIndex(t, label_column);
  Corpus c;
  for (const std::vector<std::string>& row : t.rows) {
    if (row[label] != positive && row[label] != negative) continue;
    c.docs.push_back(Tokenize(row[text]));
    c.labels.push_back(row[label] == positive ? 1 : 0);
  }
  if (c.docs.empty())
    throw std::runtime_error(path + ": no row has \"" + positive + "\" or \"" + negative +
                             "\" in column \"" + label_column + "\"");
  return c;
}

namespace {
TextData Encode(const Corpus& corpus, const std::vector<size_t>& rows,
                const std::map<std::string, int32_t>& index, int64_t max_len) {
  const int64_t n = static_cast<int64_t>(rows.size());
  TextData d{Tensor(kInt32, {n, max_len}), Tensor(kFloat32, {n, 1})};
  for (int64_t i = 0; i < n; ++i) {
    const std::vector<std::string>& doc = corpus.docs[rows[i]];
    int32_t* t = d.tokens.data<int32_t>() + i * max_len;
    for (int64_t j = 0; j < max_len; ++j) {
      if (j >= static_cast<int64_t>(doc.size())) {
        t[j] = 0;
        continue;
      }
      const auto it = index.find(doc[j]);
      t[j] = it == index.end() ? 1 : it->second;
    }
    d.labels.data<float>()[i] = static_cast<float>(corpus.labels[rows[i]]);
  }
  return d;
}
}  // namespace

EncodedSplit EncodeCorpus(const Corpus& corpus, EncodeOptions o) {
  const size_t n = corpus.docs.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(o.seed));
  const size_t n_test = static_cast<size_t>(static_cast<double>(n) * o.test_fraction);
  const std::vector<size_t> train(order.begin(), order.end() - n_test),
      test(order.end() - n_test, order.end());
  std::map<std::string, int64_t> counts;
  for (const size_t r : train)
    for (const std::string& w : corpus.docs[r]) ++counts[w];
  std::vector<std::pair<std::string, int64_t>> by_count(counts.begin(), counts.end());
  std::stable_sort(by_count.begin(), by_count.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  EncodedSplit s;
  s.vocabulary = {"", "[UNK]"};
  std::map<std::string, int32_t> index;
  for (const auto& [w, count] : by_count) {
    if (static_cast<int64_t>(s.vocabulary.size()) >= o.max_tokens) break;
    index[w] = static_cast<int32_t>(s.vocabulary.size());
    s.vocabulary.push_back(w);
  }
  s.vocab_size = static_cast<int64_t>(s.vocabulary.size());
  s.train = Encode(corpus, train, index, o.max_len);
  s.test = Encode(corpus, test, index, o.max_len);
  return s;
}

Model BiLstmClassifier(int64_t vocab_size, int64_t max_len, int64_t embed_dim, int64_t units) {
  KerasTensor in = Input({.shape = {max_len}, .dtype = kInt32, .name = "tokens"});
  KerasTensor e = layers::Embedding(vocab_size, embed_dim, {.mask_zero = true})(in);
  KerasTensor v = layers::Bidirectional(layers::LSTM(units))(e);
  KerasTensor out = layers::Dense(1, {.activation = "sigmoid", .name = "sentiment"})(v);
  return Model({.inputs = {in}, .outputs = {out}, .name = "bilstm"});
}

Model BagOfWordsClassifier(int64_t vocab_size, int64_t max_len, int64_t embed_dim) {
  KerasTensor in = Input({.shape = {max_len}, .dtype = kInt32, .name = "tokens"});
  KerasTensor e = layers::Embedding(vocab_size, embed_dim, {.mask_zero = true})(in);
  KerasTensor v = layers::GlobalAveragePooling1D()(e);
  KerasTensor h = layers::Dense(16, {.activation = "relu"})(v);
  KerasTensor out = layers::Dense(1, {.activation = "sigmoid", .name = "sentiment"})(h);
  return Model({.inputs = {in}, .outputs = {out}, .name = "bag_of_words"});
}

double Accuracy(const Tensor& probabilities, const Tensor& labels) {
  const int64_t n = labels.num_elements();
  int64_t right = 0;
  for (int64_t i = 0; i < n; ++i)
    right += (probabilities.data<float>()[i] > 0.5f) == (labels.data<float>()[i] > 0.5f);
  return n ? static_cast<double>(right) / static_cast<double>(n) : 0.0;
}

double MajorityClassAccuracy(const Tensor& train_labels, const Tensor& test_labels) {
  int64_t ones = 0;
  for (int64_t i = 0; i < train_labels.num_elements(); ++i)
    ones += train_labels.data<float>()[i] > 0.5f;
  const bool majority = 2 * ones >= train_labels.num_elements();
  int64_t right = 0;
  for (int64_t i = 0; i < test_labels.num_elements(); ++i)
    right += (test_labels.data<float>()[i] > 0.5f) == majority;
  return test_labels.num_elements()
             ? static_cast<double>(right) / static_cast<double>(test_labels.num_elements())
             : 0.0;
}

}  // namespace kiln::examples
