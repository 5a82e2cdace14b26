#include "common/NeuroDxError.h"
#include "dataset/GroupKFold.h"

#include <QtTest>

#include <set>

using namespace neurodx;

namespace {

DatasetIndex indexWith(const std::vector<int>& subjectsPerClass, int slices)
{
    DatasetIndex index;
    index.classNames = {"CN", "MCI", "AD"};
    int next = 0;
    for (std::size_t c = 0; c < subjectsPerClass.size(); ++c) {
        for (int s = 0; s < subjectsPerClass[c]; ++s, ++next) {
            for (int k = 0; k < slices; ++k) {
                DatasetEntry e;
                e.label = static_cast<int>(c);
                e.subject = "S" + std::to_string(next);
                e.path = index.classNames[c] + "/" + e.subject + "_" + std::to_string(k) + ".png";
                index.entries.push_back(e);
            }
        }
    }
    return index;
}

} // namespace

class GroupKFoldTest : public QObject {
    Q_OBJECT
private slots:
    void foldsAreSubjectDisjointAndComplete();
    void foldsAreStratified();
    void foldSplitsRotate();
    void seededAndRejectsBadK();
};

void GroupKFoldTest::foldsAreSubjectDisjointAndComplete()
{
    const DatasetIndex index = indexWith({10, 10, 10}, 4);
    const auto folds = groupedFolds(index, 5, 42);
    std::map<std::string, int> foldOf;
    std::size_t total = 0;
    for (int f = 0; f < 5; ++f) {
        total += folds[static_cast<std::size_t>(f)].size();
        for (std::size_t e : folds[static_cast<std::size_t>(f)]) {
            const auto [it, inserted] = foldOf.emplace(index.entries[e].subject, f);
            QVERIFY2(inserted || it->second == f, "a subject in two folds");
        }
    }
    QCOMPARE(total, index.entries.size());
}

void GroupKFoldTest::foldsAreStratified()
{
    const DatasetIndex index = indexWith({15, 10, 5}, 2);
    const auto folds = groupedFolds(index, 5, 1);
    for (const auto& fold : folds) {
        std::array<int, 3> perClass{};
        for (std::size_t e : fold)
            ++perClass[static_cast<std::size_t>(index.entries[e].label)];
        QCOMPARE(perClass[0], 6); // 3 subjects x 2 slices
        QCOMPARE(perClass[1], 4);
        QCOMPARE(perClass[2], 2);
    }
}

void GroupKFoldTest::foldSplitsRotate()
{
    const DatasetIndex index = indexWith({10, 10, 10}, 3);
    const auto folds = groupedFolds(index, 5, 42);
    std::set<std::size_t> tested;
    for (int f = 0; f < 5; ++f) {
        const DatasetSplit split = foldSplit(index, folds, f);
        QVERIFY(split.report.sharedSubjects.empty());
        QCOMPARE(split.part(SplitPart::Test), folds[static_cast<std::size_t>(f)]);
        QCOMPARE(split.part(SplitPart::Validation), folds[static_cast<std::size_t>((f + 1) % 5)]);
        QCOMPARE(split.part(SplitPart::Train).size() + split.part(SplitPart::Validation).size() + split.part(SplitPart::Test).size(), index.entries.size());
        tested.insert(split.part(SplitPart::Test).begin(), split.part(SplitPart::Test).end());
    }
    QCOMPARE(tested.size(), index.entries.size()); // every image is tested exactly once
}

void GroupKFoldTest::seededAndRejectsBadK()
{
    const DatasetIndex index = indexWith({6, 6, 6}, 2);
    QCOMPARE(groupedFolds(index, 3, 5), groupedFolds(index, 3, 5));
    QVERIFY(groupedFolds(index, 3, 5) != groupedFolds(index, 3, 6));
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, groupedFolds(index, 1, 5));
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, groupedFolds(indexWith({1, 1, 0}, 3), 3, 5));
}

QTEST_APPLESS_MAIN(GroupKFoldTest)
#include "tst_groupkfold.moc"
