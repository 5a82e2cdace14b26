#include "DatasetIndex.h"
#include <algorithm>
#include "common/TextUtil.h"
#include "common/NeuroDxError.h"

#include <nlohmann/json.hpp>

#include <set>

namespace neurodx {

const char* subjectSourceName(SubjectSource source)
{
    switch (source) {
    case SubjectSource::MetadataCsv: return "metadata_csv";
    case SubjectSource::FileName: return "file_name";
    case SubjectSource::FolderName: return "folder_name";
    case SubjectSource::DicomPatientId: return "dicom_patient_id";
    case SubjectSource::None: break;
    }
    return "none";
}

std::vector<ClassSummary> DatasetIndex::classSummaries() const
{
    std::vector<ClassSummary> summaries(classNames.size());
    std::vector<std::set<std::string>> subjects(classNames.size());
    for (const DatasetEntry& e : entries) {
        const auto label = static_cast<std::size_t>(e.label);
        ++summaries.at(label).images;
        if (e.hasSubject())
            subjects[label].insert(e.subject);
        else
            ++summaries[label].imagesWithoutSubject;
    }
    for (std::size_t i = 0; i < summaries.size(); ++i)
        summaries[i].subjects = subjects[i].size();
    return summaries;
}

std::size_t DatasetIndex::totalSubjects() const
{
    std::set<std::string> subjects;
    for (const DatasetEntry& e : entries) {
        if (e.hasSubject())
            subjects.insert(e.subject);
    }
    return subjects.size();
}

std::size_t DatasetIndex::imagesWithoutSubject() const
{
    std::size_t count = 0;
    for (const DatasetEntry& e : entries)
        count += e.hasSubject() ? 0 : 1;
    return count;
}

std::map<std::string, std::size_t> DatasetIndex::formatCounts() const
{
    std::map<std::string, std::size_t> counts;
    for (const DatasetEntry& e : entries)
        ++counts[imageFormatName(e.format)];
    return counts;
}

std::map<std::string, std::size_t> DatasetIndex::subjectSourceCounts() const
{
    std::map<std::string, std::size_t> counts;
    for (const DatasetEntry& e : entries)
        ++counts[subjectSourceName(e.subjectSource)];
    return counts;
}

std::vector<std::string> DatasetIndex::subjectsInSeveralClasses() const
{
    std::map<std::string, std::set<int>> labelsBySubject;
    for (const DatasetEntry& e : entries) {
        if (e.hasSubject())
            labelsBySubject[e.subject].insert(e.label);
    }
    std::vector<std::string> result;
    for (const auto& [subject, labels] : labelsBySubject) {
        if (labels.size() > 1)
            result.push_back(subject);
    }
    return result;
}

nlohmann::json DatasetIndex::toJson(bool withEntries) const
{
    using nlohmann::json;
    json classes = json::object();
    const auto summaries = classSummaries();
    for (std::size_t i = 0; i < classNames.size(); ++i) {
        classes[classNames[i]] = {{"label", i},
                                  {"images", summaries[i].images},
                                  {"subjects", summaries[i].subjects},
                                  {"images_without_subject", summaries[i].imagesWithoutSubject}};
    }
    json skippedJson = json::array();
    for (const SkippedFile& s : skipped)
        skippedJson.push_back({{"path", s.path}, {"reason", s.reason}});
    json folders = json::array();
    for (const UnassignedFolder& f : unassignedFolders)
        folders.push_back({{"path", f.path}, {"files", f.files}});

    json result = {{"root", root.string()},
                   {"class_order", classNames},
                   {"classes", classes},
                   {"total_images", entries.size()},
                   {"total_subjects", totalSubjects()},
                   {"images_without_subject", imagesWithoutSubject()},
                   {"subjects_in_several_classes", subjectsInSeveralClasses().size()},
                   {"formats", formatCounts()},
                   {"subject_sources", subjectSourceCounts()},
                   {"skipped", skippedJson},
                   {"unassigned_folders", folders},
                   {"warnings", warnings}};
    if (withEntries) {
        json list = json::array();
        for (const DatasetEntry& e : entries) {
            json item = {{"path", e.path},
                         {"class", classNames.at(static_cast<std::size_t>(e.label))},
                         {"label", e.label},
                         {"subject", e.subject},
                         {"subject_source", subjectSourceName(e.subjectSource)},
                         {"format", imageFormatName(e.format)}};
            if (e.sliceIndex)
                item["slice"] = *e.sliceIndex;
            list.push_back(std::move(item));
        }
        result["entries"] = std::move(list);
    }
    return result;
}

std::vector<std::string> DatasetIndex::classesWithImages() const
{
    std::vector<std::string> names;
    const auto summaries = classSummaries();
    for (std::size_t i = 0; i < summaries.size() && i < classNames.size(); ++i)
        if (summaries[i].images > 0)
            names.push_back(classNames[i]);
    return names;
}

void DatasetIndex::requireTwoClassesWithImages() const
{
    const std::vector<std::string> present = classesWithImages();
    if (present.size() >= 2)
        return;
    std::vector<std::string> empty;
    for (const std::string& name : classNames)
        if (std::find(present.begin(), present.end(), name) == present.end())
            empty.push_back(name);
    throw NeuroDxError(ErrorKind::InvalidDataset, root,
                       (present.empty() ? std::string("no class has images") : "only " + present.front() + " has images") +
                           ": a classifier needs images of at least two classes (" + join(empty, ", ") + (empty.size() == 1 ? " is" : " are") +
                           " empty or missing)");
}

} // namespace neurodx
