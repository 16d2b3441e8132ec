package org.trialfhir.matching;

import java.time.Period;
import java.util.Set;

/**
 * An eligibility topic named in an exclusion criterion, with what the criterion's wording asks of the evidence:
 * adjectives the patient's record must repeat ("investigational", "allogeneic"), whether it must be current
 * ("active"), a time window ("within 4 weeks"), and, when the wording makes presence in the data insufficient
 * ("with uncontrolled viral load", "except ..."), the reason.
 */
record TopicMention(String topic, String phrase, Set<String> mustSay, boolean mustBeCurrent, Period window,
    String insufficientBecause) {}
