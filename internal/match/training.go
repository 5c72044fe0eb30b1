package match

import (
	"slices"

	"github.com/huitian/huitian/internal/incubation"
)

// Training records as a qualification: a need may require an organization
// with someone who completed an academy course of a topic (Query.Trained).
// It admits or excludes, with the reason shown; it never changes a score,
// so rankings without the rule are what they were.

// trainingTopics names the topics a need may require, in Chinese.
var trainingTopics = map[incubation.Topic]string{
	incubation.TopicFinance:       "财务管理",
	incubation.TopicLegal:         "法律合规",
	incubation.TopicProject:       "项目设计",
	incubation.TopicFundraising:   "筹款",
	incubation.TopicVolunteer:     "志愿者管理",
	incubation.TopicPartyBuilding: "党建",
}

// ValidTraining reports whether a need may require training in topic.
func ValidTraining(topic string) bool {
	_, ok := trainingTopics[incubation.Topic(topic)]
	return ok
}

// TrainingTopics lists the topics a need may require, in display order.
func TrainingTopics() []string {
	var out []string
	for _, t := range incubation.Topics {
		if _, ok := trainingTopics[t]; ok {
			out = append(out, string(t))
		}
	}
	return out
}

// ReasonNotTrained is why an organization without the training is not
// offered.
func ReasonNotTrained(topic string) string {
	return "不符合资格：需有人员完成" + trainingName(topic) + "培训"
}

func trainingName(topic string) string {
	if n, ok := trainingTopics[incubation.Topic(topic)]; ok {
		return n
	}
	return topic
}

// trainedReason is the reason shown for an organization that meets q's
// training rule, "" when q has none or o does not.
func trainedReason(o *Org, q Query) string {
	if q.Trained == "" || !slices.Contains(o.Trained, q.Trained) {
		return ""
	}
	return "已有人员完成" + trainingName(q.Trained) + "培训（学院结业证书）"
}
