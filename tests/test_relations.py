"""One row per rule of `pactwatch.parsers.relations`: the dependency-tree readers.

Each row is a sentence written for this file, the rule it exercises, and the
claims the extractor must read from it. Adding a phrasing to
`parsers/data/predicates.json` means adding a row here.
"""

from __future__ import annotations

import pytest

from pactwatch.parsers.claims import extract_claims
from pactwatch.parsers.relations import RULES

Row = tuple[str, str, set[tuple[object, ...]]]


def _read(sentence: str) -> set[tuple[object, ...]]:
    out: set[tuple[object, ...]] = set()
    for c in extract_claims(sentence):
        if c.kind == "member_count":
            out.add((c.kind, c.coalition, c.value, c.low, c.high, c.modality))
        elif c.kind in ("joined", "left"):
            out.add((c.kind, c.coalition, c.actor, c.ordinal, c.modality))
        else:
            out.add((c.kind, frozenset(c.actors or ()), c.modality))
    return out


def _pair(kind: str, a: str, b: str, modality: str = "asserted") -> tuple[object, ...]:
    return (kind, frozenset({a, b}), modality)


ROWS: list[Row] = [
    (
        # the clause on "becoming" signs what the join describes: the same join
        "join_by_verb",
        "Laos signed the Artemis Accords, becoming the 52nd country to sign the US-led text.",
        {("joined", "artemis-accords", "LA", 52, "asserted")},
    ),
    (
        # a clause that signs something naming another actor repeats nothing
        "join_by_verb",
        "Peru joined the ILRS, becoming the 9th country to sign a deal with Chile.",
        {("joined", "ilrs", "PE", None, "asserted"), _pair("partnership", "PE", "CL")},
    ),
    (
        # the object the parser gave to the reporting clause after it
        "member_count",
        "Some 45 nations have now signed the Artemis Accords, an official told reporters.",
        {("member_count", "artemis-accords", 45, None, None, "asserted")},
    ),
    (
        # whatever makes an actor the Nth member makes it join
        "join_by_making",
        "The signing in Lima on Friday made Peru the 41st signatory of the Artemis Accords.",
        {("joined", "artemis-accords", "PE", 41, "asserted")},
    ),
    ("join_by_making", "The vote made Spain a member of NATO.", set()),  # no ordinal: a state
    (
        # refusing to take part in another's missions, or cancelling a flight to its
        # station, ends the cooperation with their owner
        "participation_ended",
        "Chile flew a cubesat on Chang'e-6 but won't be part of later Chinese lunar missions.",
        {_pair("partnership", "CL", "CN"), _pair("partnership_ended", "CL", "CN")},
    ),
    (
        "participation_ended",
        "Brazil also cancelled sending a rover to China's space station.",
        {_pair("partnership_ended", "BR", "CN")},
    ),
    # present backers count; "or more" is a lower bound; a named kind is only some
    (
        "member_count",
        "Nearly 30 countries back the Artemis Accords.",
        {("member_count", "artemis-accords", 30, None, None, "asserted")},
    ),
    (
        "member_count",
        "Sixty countries or more have joined the Artemis Accords.",
        {("member_count", "artemis-accords", None, 60, None, "asserted")},
    ),
    (
        "member_count",
        "Kenya is one of 14 African countries that have signed the Artemis Accords.",
        {("joined", "artemis-accords", "KE", None, "asserted")},
    ),
    (
        "member_count",
        "A ten-nation bloc, ASEAN is based in Jakarta.",
        {("member_count", "asean", 10, 10, 10, "asserted")},
    ),
    (
        # DESIGN section 4: severing ties with a coalition is leaving it
        "leave_by_ending",
        "Mexico severed its ties with the ILRS.",
        {("left", "ilrs", "MX", None, "asserted")},
    ),
    (
        "partnership_by_verb",
        "JAXA will no longer cooperate with Roscosmos.",
        {_pair("partnership_ended", "jaxa", "roscosmos")},
    ),
    (
        # a named unit of a known agency is the agency
        "partnership_by_agreement",
        "ISRO signed an agreement with NASA Jet Propulsion Laboratory on radar.",
        {_pair("partnership", "isro", "nasa")},
    ),
    (
        # a mission a possessive or an adjective assigns to a country
        "payload_on_mission",
        "Egypt and Peru flew payloads on board China's lunar missions.",
        {_pair("partnership", "EG", "CN"), _pair("partnership", "PE", "CN")},
    ),
    (
        # a foreign astronaut flown on one's own station
        "payload_from_abroad",
        "China will fly a Thai astronaut on its space station next year.",
        {_pair("partnership", "CN", "TH", "hedged")},
    ),
    (
        # a restraining verb on a hyphenated pair's engagement; a channel is no claim
        "partnership_by_noun",
        "The new law restrains US-China science exchange.",
        {_pair("partnership", "US", "CN", "negated")},
    ),
    ("partnership_by_noun", "Both sides pledged better ties through EU-China cooperation.", set()),
    (
        # plural stand-ins with two nationalities; "agreed on" an agreement
        "partnership_by_agreement",
        "Brazilian and Indian space agencies agreed on a memorandum of understanding.",
        {_pair("partnership", "BR", "IN")},
    ),
    (
        # "ESA and China" read as a modifier of the second name is still a list
        "partnership_by_agreement",
        "Astronaut training started when ESA and China Manned Space Agency signed a deal.",
        {_pair("partnership", "esa", "cmsa")},
    ),
    (
        # "with China to be ..." parsed as a clause: its subject is the partner
        "partnership_by_agreement",
        "Laos signed an accord today with China to be a part of the ILRS.",
        {_pair("partnership", "LA", "CN")},
    ),
    (
        # the coalition of "to sign on to join X"
        "join_by_becoming",
        "Chile is the 16th country to sign on to join the Artemis Accords.",
        {("joined", "artemis-accords", "CL", 16, "asserted")},
    ),
    (
        # agreements under a coalition's name, signed to date
        "member_count",
        "More than 140 nations have signed Belt and Road agreements with Beijing.",
        {("member_count", "bri", None, 141, None, "asserted")},
    ),
    (
        # one thing two sides send to a place in space; a modal makes the verb finite
        # when the parser hangs the subjects elsewhere
        "acting_together",
        "Japan and India will send a rover to the Moon.",
        {_pair("partnership", "JP", "IN", "hedged")},
    ),
    ("acting_together", "Japan and India will send rovers to the Moon.", set()),
    ("acting_together", "India and Pakistan launched a missile into the sea.", set()),
    (
        # an invitation is a hedged join; a refusal with no object of its own in the
        # same sentence turns the same invitation down
        "join_by_invitation",
        "Mongolia is weighing an invitation to the ILRS, while Laos has already declined.",
        {("joined", "ilrs", "MN", None, "hedged"), ("joined", "ilrs", "LA", None, "negated")},
    ),
    (
        "join_by_invitation",
        "Peru turned down an invitation to the ILRS.",
        {("joined", "ilrs", "PE", None, "negated")},
    ),
    ("join_by_invitation", "Laos received an invitation to the wedding.", set()),
    (
        # a headline with no full stop, its verb taken for a plural noun by the tagger
        "member_count",
        "APSCO membership climbs to 11 as Nepal signs on",
        {
            ("member_count", "apsco", 11, 11, 11, "asserted"),
            ("joined", "apsco", "NP", None, "asserted"),
        },
    ),
    (
        # the deal's noun read as a clause still is what was signed
        "partnership_by_agreement",
        "Chile and the United States signed a lithium deal in Santiago on Friday.",
        {_pair("partnership", "CL", "US")},
    ),
    # people of a national programme stand for their countries; musicians do not
    (
        "acting_together",
        "Kenyan and Nigerian engineers will jointly assemble the next cubesat.",
        {_pair("partnership", "KE", "NG", "hedged")},
    ),
    (
        "partnership_by_agreement",
        "Indian and Japanese scientists signed a joint statement on lunar dust.",
        {_pair("partnership", "IN", "JP")},
    ),
    ("acting_together", "Argentine and Chilean musicians recorded an album together.", set()),
    (
        # object control: whoever is barred from working is the one who would work
        "partnership_by_verb",
        "A new law bars NASA from working with Chinese state entities.",
        {_pair("partnership", "nasa", "CN", "negated")},
    ),
    (
        "partnership_ended",
        "Canada might wind down its cooperation with India on radar satellites.",
        {_pair("partnership_ended", "CA", "IN", "hedged")},
    ),
    (
        # dropping the plan for a joint undertaking ends it
        "partnership_ended",
        "ESA has dropped plans for a joint Mars lander with Roscosmos.",
        {_pair("partnership_ended", "esa", "roscosmos")},
    ),
    (
        # two sides committing to build one thing act together
        "acting_together",
        "Paris and Berlin have pledged to build a lunar relay satellite by 2030.",
        {_pair("partnership", "FR", "DE", "hedged")},
    ),
    # a plural object is each side's own undertaking
    ("acting_together", "Brazil and Peru vowed to build more roads.", set()),
    (
        # a name added with no object: the one coalition the sentence names
        "join_by_verb",
        "The Artemis Accords now have 62 signatories after Tonga added its name.",
        {
            ("member_count", "artemis-accords", 62, 62, 62, "asserted"),
            ("joined", "artemis-accords", "TO", None, "asserted"),
        },
    ),
    (
        # the subject reaches "become" through "likely"
        "join_by_becoming",
        "Chad is likely to become the next member of the ILRS.",
        {("joined", "ilrs", "TD", None, "hedged")},
    ),
    (
        # a coalition's own text signed in the passive
        "join_by_verb",
        "The ILRS charter was signed by Laos in 2024.",
        {("joined", "ilrs", "LA", None, "asserted")},
    ),
    (
        # signing a coalition's text together is two joins, not a partnership
        "join_by_verb",
        "Gabon and Niger will sign the ILRS charter together next month.",
        {("joined", "ilrs", "GA", None, "hedged"), ("joined", "ilrs", "NE", None, "hedged")},
    ),
    (
        # "would" on the copula hedges the infinitive under "happy"
        "join_by_verb",
        "Peru said it would be happy to rejoin the ILRS if the rules change.",
        {("joined", "ilrs", "PE", None, "hedged")},
    ),
    (
        # a verb and particle that together mean joining
        "join_by_verb",
        "Gabon and Chad came aboard the Artemis Accords in March.",
        {
            ("joined", "artemis-accords", "GA", None, "asserted"),
            ("joined", "artemis-accords", "TD", None, "asserted"),
        },
    ),
    # a gerund right after a refusing verb, and "stop short of", are refusals
    (
        "join_by_verb",
        "Uruguay ruled out joining BRICS this year.",
        {("joined", "brics", "UY", None, "negated")},
    ),
    (
        "join_by_verb",
        "Mongolia stopped short of joining the ILRS.",
        {("joined", "ilrs", "MN", None, "negated")},
    ),
    # "poised" is a hedge even when the lemmatizer reads it as the verb "poise"
    (
        "join_by_verb",
        "Nepal is poised to accede to the ILRS.",
        {("joined", "ilrs", "NP", None, "hedged")},
    ),
    (
        # the member noun the join is made as carries the ordinal
        "join_by_verb",
        "Albania joined NATO in 2009 as the alliance's 27th member.",
        {("joined", "nato", "AL", 27, "asserted")},
    ),
    (
        # "to do so" hung on "becoming" still repeats the join; the subset conjunct
        # ("the second this month") is not the coalition's count
        "join_by_verb",
        "Oman signed the Artemis Accords, becoming the 60th country and the second this month to do so.",
        {("joined", "artemis-accords", "OM", 60, "asserted")},
    ),
    (
        # backing the principles repeats the signature
        "join_by_verb",
        "Fiji put its name to the Artemis Accords, becoming the 61st state to back the principles.",
        {("joined", "artemis-accords", "FJ", 61, "asserted")},
    ),
    (
        # the "making" participle names the joiner the subject only describes
        "join_by_verb",
        "The island nation signed the Artemis Accords on Friday, making Tonga the 62nd signatory.",
        {("joined", "artemis-accords", "TO", 62, "asserted")},
    ),
    (
        # "to the accords" parsed on the verb, right after the member noun
        "join_by_becoming",
        "Bhutan became the 64th signatory to the accords in June, its ministry said.",
        {("joined", "artemis-accords", "BT", 64, "asserted")},
    ),
    (
        "join_by_apposition",
        "Latvia, the 36th signatory of the Artemis Accords, hosted a workshop on lunar dust.",
        {("joined", "artemis-accords", "LV", 36, "asserted")},
    ),
    # without an ordinal an apposition only describes
    ("join_by_apposition", "Latvia, a signatory of the Artemis Accords, hosted a workshop.", set()),
    (
        # a passive welcome takes its coalition from the member noun
        "join_by_admission",
        "Benin was welcomed on Monday as APSCO's ninth member.",
        {("joined", "apsco", "BJ", 9, "asserted")},
    ),
    (
        "join_by_admission",
        "Togo and Benin were accepted as full members of APSCO at the meeting.",
        {
            ("joined", "apsco", "TG", None, "asserted"),
            ("joined", "apsco", "BJ", None, "asserted"),
        },
    ),
    (
        "leave_by_verb",
        "Mali has walked away from the ILRS.",
        {("left", "ilrs", "ML", None, "asserted")},
    ),
    (
        "leave_by_ending",
        "Chad has suspended its participation in the ILRS, its government said.",
        {("left", "ilrs", "TD", None, "asserted")},
    ),
    # a treaty known only from its name may bind two states: no membership to leave
    ("leave_by_ending", "Russia suspended its participation in the Treaty on Open Skies.", set()),
    (
        "join_by_verb",
        "Kenya and Ghana joined the Artemis Accords on Monday.",
        {
            ("joined", "artemis-accords", "KE", None, "asserted"),
            ("joined", "artemis-accords", "GH", None, "asserted"),
        },
    ),
    (
        "join_by_verb",
        "Officials said Peru plans to join the ILRS next year.",
        {("joined", "ilrs", "PE", None, "hedged")},
    ),
    ("join_by_verb", "Is Norway ready to join the ILRS?", set()),  # a question states nothing
    # a withdrawn or rejected bid, a join not done yet, a join prevented: negated
    (
        "join_by_verb",
        "Bolivia withdrew its bid to join BRICS after the vote.",
        {("joined", "brics", "BO", None, "negated")},
    ),
    (
        "join_by_verb",
        "Cuba's request to join BRICS was rejected by the summit.",
        {("joined", "brics", "CU", None, "negated")},
    ),
    (
        "join_by_verb",
        "Algeria has yet to take up its invitation to join BRICS.",
        {("joined", "brics", "DZ", None, "negated")},
    ),
    (
        "join_by_verb",
        "Algeria has yet to decide whether to join BRICS.",
        {("joined", "brics", "DZ", None, "hedged")},
    ),
    (
        "join_by_verb",
        "Nicaragua was barred from joining BRICS at the last summit.",
        {("joined", "brics", "NI", None, "negated")},
    ),
    (
        # the inflected form decides when the lemmatizer slips ("hopes" read as "hop")
        "join_by_becoming",
        "Laos hopes to become a member of the ILRS soon.",
        {("joined", "ilrs", "LA", None, "hedged")},
    ),
    (
        "join_by_verb",
        "Benin and Togo added their signatures to the ILRS on Friday.",
        {("joined", "ilrs", "BJ", None, "asserted"), ("joined", "ilrs", "TG", None, "asserted")},
    ),
    (
        # a coalition's own text, named by a compound, stands for the coalition
        "join_by_verb",
        "Zambia intends to sign the ILRS membership charter before the end of May.",
        {("joined", "ilrs", "ZM", None, "hedged")},
    ),
    ("join_by_verb", "Peru signed the EU fisheries agreement in Lima.", set()),
    (
        # a coalition's own programme or grouping is the coalition; a programme it runs,
        # or a body inside it, is not
        "join_by_verb",
        "Nepal has formally joined China's ILRS project, officials said.",
        {("joined", "ilrs", "NP", None, "asserted")},
    ),
    ("join_by_verb", "Nepal joined the EU research programme last year.", set()),
    (
        # a word the coalition's own name stands for takes any description ("the ILRS"
        # is a project); a title-case line is read in sentence case
        "join_by_verb",
        "Nepal Formally Joins China's ILRS Moon Project",
        {("joined", "ilrs", "NP", None, "asserted")},
    ),
    (
        "leave_by_verb",
        "Laos and Nepal have exited the BRICS trade bloc.",
        {("left", "brics", "LA", None, "asserted"), ("left", "brics", "NP", None, "asserted")},
    ),
    ("leave_by_verb", "Nepal quit the ILRS steering group in May.", set()),
    (
        "join_by_verb",
        "Chile ratified the Rome Statute in 2009.",
        {("joined", "icc", "CL", None, "asserted")},
    ),
    (
        # "to sign on" repeats the join, like "to do so"
        "join_by_verb",
        "Nepal joined the Artemis Accords, becoming the 65th nation to sign on.",
        {("joined", "artemis-accords", "NP", 65, "asserted")},
    ),
    (
        # "to do so" repeats the join: its ordinal is the join's
        "join_by_verb",
        "Malawi signed the Artemis Accords, becoming the 63rd nation to do so.",
        {("joined", "artemis-accords", "MW", 63, "asserted")},
    ),
    (
        "join_by_verb",
        "Belize joined the Artemis Accords on Friday, the 64th state to do so.",
        {("joined", "artemis-accords", "BZ", 64, "asserted")},
    ),
    (
        "join_by_verb",
        "Mongolia endorsed the Artemis Accords during a visit to Washington.",
        {("joined", "artemis-accords", "MN", None, "asserted")},
    ),
    (
        # agreeing to one's own inclusion is the join, as the agreement stands
        "join_by_consent",
        "The bloc keeps growing. Laos, Nepal and Bhutan all agreed to inclusion in BRICS.",
        {
            ("joined", "brics", "LA", None, "asserted"),
            ("joined", "brics", "NP", None, "asserted"),
            ("joined", "brics", "BT", None, "asserted"),
        },
    ),
    (
        "join_by_consent",
        "Laos may agree to membership of the ILRS next year.",
        {("joined", "ilrs", "LA", None, "hedged")},
    ),
    (
        # applicants a list names are hedged joins, even when the parser hangs the list
        # on the coalition noun
        "join_by_application",
        "Its example may guide other applicants to the ILRS, which include Laos and Nepal.",
        {("joined", "ilrs", "LA", None, "hedged"), ("joined", "ilrs", "NP", None, "hedged")},
    ),
    (
        "join_by_application",
        "Candidates for BRICS membership include Laos and Nepal.",
        {("joined", "brics", "LA", None, "hedged"), ("joined", "brics", "NP", None, "hedged")},
    ),
    ("join_by_application", "The ASEAN summit agenda includes Laos and Nepal.", set()),
    (
        # a passive names its signers in the by-phrase
        "join_by_verb",
        "The Artemis Accords were signed by Laos and Nepal in a short ceremony.",
        {
            ("joined", "artemis-accords", "LA", None, "asserted"),
            ("joined", "artemis-accords", "NP", None, "asserted"),
        },
    ),
    (
        # "among the countries that have signed": the be-subject is in that group
        "join_by_verb",
        "Fiji and Samoa are among the nations that have joined the ILRS.",
        {("joined", "ilrs", "FJ", None, "asserted"), ("joined", "ilrs", "WS", None, "asserted")},
    ),
    (
        "join_by_verb",
        "Kenya is one of the states that signed the Artemis Accords this spring.",
        {("joined", "artemis-accords", "KE", None, "asserted")},
    ),
    (
        # no object: the coalition the article is about (here named in the same text)
        "join_by_verb",
        "The ILRS keeps growing. Laos and Peru signed up during 2023.",
        {("joined", "ilrs", "LA", None, "asserted"), ("joined", "ilrs", "PE", None, "asserted")},
    ),
    (
        "join_by_verb",
        "The ILRS keeps growing. Since then, three more countries have signed, including "
        "Kenya and Ghana.",
        {("joined", "ilrs", "KE", None, "asserted"), ("joined", "ilrs", "GH", None, "asserted")},
    ),
    (
        "join_by_becoming",
        "Chile became the 52nd country to sign the Artemis Accords.",
        {("joined", "artemis-accords", "CL", 52, "asserted")},
    ),
    (
        "join_by_becoming",
        "Laos and Nepal became the 60th and 61st signatories of the Artemis Accords, respectively.",
        {
            ("joined", "artemis-accords", "LA", 60, "asserted"),
            ("joined", "artemis-accords", "NP", 61, "asserted"),
        },
    ),
    (
        # partner status is no membership: no join; DESIGN section 4 allows the
        # partnership with the coalition that `partnership_by_status` reads
        "join_by_becoming",
        "Fiji became a BRICS partner country in January.",
        {_pair("partnership", "FJ", "brics")},
    ),
    (
        # two subjects and two ordinals on a plural noun pair up in order
        "join_by_becoming",
        "Malta and Cyprus became the 61st and 62nd signatories of the Artemis Accords.",
        {
            ("joined", "artemis-accords", "MT", 61, "asserted"),
            ("joined", "artemis-accords", "CY", 62, "asserted"),
        },
    ),
    (
        # a calendar date after the coalition dates the join; it restricts nothing
        "join_by_becoming",
        "Nepal became the 58th country to sign the Artemis Accords in March 2026.",
        {("joined", "artemis-accords", "NP", 58, "asserted")},
    ),
    (
        "join_by_becoming",
        "Bhutan became the 59th signatory of the Artemis Accords in 2026, officials said.",
        {("joined", "artemis-accords", "BT", 59, "asserted")},
    ),
    (
        # putting a name or a signature to a coalition's text is signing it
        "join_by_becoming",
        "Gabon became the 60th nation to put its name to the Artemis Accords.",
        {("joined", "artemis-accords", "GA", 60, "asserted")},
    ),
    (
        "join_by_becoming",
        "Angola became the tenth country this year to sign the Artemis Accords.",
        {("joined", "artemis-accords", "AO", None, "asserted")},
    ),
    (
        "join_by_admission",
        "Mongolia was admitted to the Shanghai Cooperation Organisation last week.",
        {("joined", "sco", "MN", None, "asserted")},
    ),
    (
        "leave_by_verb",
        "Gabon withdrew from OPEC after a long dispute.",
        {("left", "opec", "GA", None, "asserted")},
    ),
    (
        "leave_by_verb",
        "Chad has no plans to quit the Paris Agreement.",
        {("left", "paris-agreement", "TD", None, "negated")},
    ),
    (
        "leave_by_noun",
        "Bolivia announced its withdrawal from the Council of Europe on Friday.",
        {("left", "coe", "BO", None, "hedged")},
    ),
    (
        "partnership_by_verb",
        "Brazil will cooperate with India on satellite navigation.",
        {_pair("partnership", "BR", "IN", "hedged")},
    ),
    (
        "acting_together",
        "Peru and Chile will jointly operate a new ground station in the Atacama.",
        {_pair("partnership", "PE", "CL", "hedged")},
    ),
    (
        "acting_together",
        "Ghana and Kenya built the cubesat together over two years.",
        {_pair("partnership", "GH", "KE")},
    ),
    # three sides doing one thing together is a multilateral act, not stated pairs
    ("acting_together", "Ghana, Kenya and Peru built the cubesat together.", set()),
    (
        # a scenario is not a statement of fact
        "acting_together",
        "In a future like that, Ghana and Kenya would build satellites together.",
        {_pair("partnership", "GH", "KE", "hedged")},
    ),
    (
        "acting_together",
        "In that scenario Ghana and Kenya build satellites together.",
        {_pair("partnership", "GH", "KE", "hedged")},
    ),
    # a fronted "together" adds figures up
    ("acting_together", "Together, Ghana and Kenya produce a third of the cocoa.", set()),
    (
        # the two that launch a joint programme are its sides
        "joint_undertaking",
        "Chile and Kenya have launched a joint programme to map meteor showers.",
        {_pair("partnership", "CL", "KE")},
    ),
    (
        # renewing a partnership, with its "and" left by the parser on the first subject
        "partnership_by_noun",
        "Chile's space agency and NASA renewed their partnership on climate satellites.",
        {_pair("partnership", "CL", "nasa")},
    ),
    (
        # partner or observer status with a coalition is a partnership, not membership
        "partnership_by_status",
        "Bolivia was granted observer status in the SCO on Friday.",
        {_pair("partnership", "BO", "sco")},
    ),
    (
        "partnership_by_status",
        "Bolivia became a BRICS partner country in January.",
        {_pair("partnership", "BO", "brics")},
    ),
    ("partnership_by_status", "Bolivia applied for candidate status in BRICS.", set()),
    (
        # "aside from X, Y and Z have ...": X is the exception, even when parsed in the list
        "partnership_by_status",
        "Aside from Laos, Nepal and Bhutan hold observer status in the SCO.",
        {_pair("partnership", "NP", "sco"), _pair("partnership", "BT", "sco")},
    ),
    (
        # agreeing to cooperate is the partnership; it stands as the agreement does
        "partnership_by_verb",
        "Chile and Kenya agreed to collaborate on radio astronomy.",
        {_pair("partnership", "CL", "KE")},
    ),
    (
        "partnership_by_verb",
        "Chile could agree to collaborate with Kenya on radio astronomy.",
        {_pair("partnership", "CL", "KE", "hedged")},
    ),
    (
        "partnership_by_agreement",
        "Japan signed a memorandum of understanding with Egypt on lunar science.",
        {_pair("partnership", "JP", "EG")},
    ),
    (
        "partnership_by_noun",
        "Peru and Chile deepened their cooperation on space weather.",
        {_pair("partnership", "PE", "CL")},
    ),
    # a relationship described is no partnership formed
    ("partnership_by_noun", "Their relationship with the EU is complicated.", set()),
    # countries in one list do not pair up
    ("partnership_by_noun", "Athletes from Kenya, Peru and Japan ran in Berlin.", set()),
    (
        "payload_on_mission",
        "Pakistan will fly a payload on Chang'e-8.",
        {_pair("partnership", "PK", "CN", "hedged")},
    ),
    (
        "partnership_ended",
        "ESA suspended its cooperation with Roscosmos on the rover.",
        {_pair("partnership_ended", "esa", "roscosmos")},
    ),
    (
        "partnership_ended",
        "The African Union suspended Guinea after the coup.",
        {_pair("partnership_ended", "african-union", "GN")},
    ),
    (
        "member_count",
        "The ILRS now has 14 members, officials said.",
        {("member_count", "ilrs", 14, 14, 14, "asserted")},
    ),
    (
        "member_count",
        "NATO's 32 members met in Vilnius.",
        {("member_count", "nato", 32, 32, 32, "asserted")},
    ),
    ("member_count", "The eight founding members of the accords met in Rome.", set()),
    (
        "member_count",
        "The alliance grew to 30 members in 2020 when it admitted a neighbour.",
        set(),
    ),
    # ---- tree phenomena shared by every rule -----------------------------------
    (
        # the middle of a long list parsed as appositions is still the list
        "join_by_becoming",
        "Saudi Arabia, Kenya, the Dominican Republic, Chile and Ghana officially became new "
        "ILRS members.",
        {("joined", "ilrs", a, None, "asserted") for a in ("SA", "KE", "DO", "CL", "GH")},
    ),
    (
        # ... or as a bare noun modifier of the first
        "join_by_becoming",
        "Chile, Peru, the Dominican Republic, Kenya and Ghana formally became new ILRS members.",
        {("joined", "ilrs", a, None, "asserted") for a in ("CL", "PE", "DO", "KE", "GH")},
    ),
    (
        # "the association" in an article about one coalition is that coalition
        "join_by_becoming",
        "BRICS met in Kazan. In 2026, Kenya and Peru became full members of the association.",
        {("joined", "brics", "KE", None, "asserted"), ("joined", "brics", "PE", None, "asserted")},
    ),
    (
        # a preposition of refusal governs the join
        "join_by_admission",
        "Several NATO states have argued against admitting Georgia to the alliance.",
        {("joined", "nato", "GE", None, "negated")},
    ),
    (
        # "they" in a reported clause is whoever reports it
        "leave_by_verb",
        "Chad and Sudan announced on Friday that they have quit the African Union.",
        {
            ("left", "african-union", "TD", None, "asserted"),
            ("left", "african-union", "SD", None, "asserted"),
        },
    ),
    (
        # a dateline read as a second subject does not take the claim
        "join_by_becoming",
        "Nairobi: Peru on Monday became the 12th member of the ILRS.",
        {("joined", "ilrs", "PE", 12, "asserted")},
    ),
    (
        # a figure on an institution noun that stands for the main coalition
        "member_count",
        "OPEC met in Vienna. Officials hope to persuade Guyana to join the 13-member group.",
        {
            ("member_count", "opec", 13, 13, 13, "asserted"),
            ("joined", "opec", "GY", None, "hedged"),
        },
    ),
    (
        # no actor named in the sentence: "the group's" is the main coalition
        "member_count",
        "OPEC met in Vienna. Nine of the group's 12 members must approve any change.",
        {("member_count", "opec", 12, 12, 12, "asserted")},
    ),
    (
        # a figure the verb states takes the verb's modality
        "member_count",
        "Gabon's exit will shrink the membership of OPEC to 11 nations.",
        {("member_count", "opec", 11, 11, 11, "hedged")},
    ),
    (
        # gapping: a conjunct subject with no verb of its own shares the verb
        "join_by_verb",
        "In 2019, Chile and Peru joined the ILRS, and Kenya in 2021.",
        {("joined", "ilrs", a, None, "asserted") for a in ("CL", "PE", "KE")},
    ),
    (
        # "followed by" hands the verb to the next countries
        "leave_by_verb",
        "Mali left ECOWAS in 2024, followed by Niger and Chad in 2025.",
        {("left", "ecowas", a, None, "asserted") for a in ("ML", "NE", "TD")},
    ),
    (
        "partnership_ended_by_noun",
        "Paraguay's cabinet ordered the severance of its diplomatic relations with Taiwan "
        "on Monday.",
        {_pair("partnership_ended", "PY", "TW")},
    ),
    (
        # "ties" and "relations" are read by their lemmas ("tie", "relation")
        "partnership_ended",
        "Nauru cut ties with Taiwan in 2024.",
        {_pair("partnership_ended", "NR", "TW")},
    ),
    (
        "partnership_by_noun",
        "The Chinese government has established diplomatic relations with Nauru.",
        {_pair("partnership", "CN", "NR")},
    ),
    (
        "join_by_noun",
        "The ILRS grew again. Chile signed on Monday, following Peru's inclusion in March.",
        {("joined", "ilrs", "CL", None, "asserted"), ("joined", "ilrs", "PE", None, "asserted")},
    ),
    (
        # a join named as a noun, with nothing saying it happened, is at most hedged
        "join_by_noun",
        "Georgia's accession to NATO remains a distant prospect.",
        {("joined", "nato", "GE", None, "hedged")},
    ),
    (
        "join_by_agreement",
        "Chile and Peru have signed agreements to participate in the ILRS.",
        {("joined", "ilrs", "CL", None, "asserted"), ("joined", "ilrs", "PE", None, "asserted")},
    ),
    (
        # refusing an invitation negates the join; a titled office holder is the country
        "join_by_verb",
        "Chilean President Ana Rojas decided to reject an invitation to join the ILRS.",
        {("joined", "ilrs", "CL", None, "negated")},
    ),
    (
        # the owner of "bid" or "application" is the one who would join
        "join_by_verb",
        "The Hungarian premier blocked Sweden's bid to join NATO for months.",
        {("joined", "nato", "SE", None, "negated")},
    ),
    (
        # admitted with no coalition named: the article's coalition
        "join_by_admission",
        "ASEAN met in Manila. It was the first expansion since Laos was admitted in 1997.",
        {("joined", "asean", "LA", None, "asserted")},
    ),
    (
        # left with no object: the article's coalition
        "leave_by_verb",
        "The ICC lost a member. Burundi, which left in 2017, was the first.",
        {("left", "icc", "BI", None, "asserted")},
    ),
    (
        "payload_from_abroad",
        "The Chang'e-7 orbiter carries instruments from Egypt and Bahrain.",
        {_pair("partnership", "CN", "EG"), _pair("partnership", "CN", "BH")},
    ),
    (
        "joint_undertaking",
        "Selene-2 is a joint lunar mission between ISRO and JAXA.",
        {_pair("partnership", "isro", "jaxa")},
    ),
    (
        "joint_undertaking",
        "NASA and ISRO have delayed the launch of their joint radar satellite.",
        {_pair("partnership", "nasa", "isro")},
    ),
    (
        # "in cooperation with": the passive verb's agent is the other side
        "partnership_by_noun",
        "The probe was built by Kenya's space agency in cooperation with Egypt.",
        {_pair("partnership", "KE", "EG")},
    ),
    (
        # "a number of deals, including with ...": the partners of a counted agreement
        "partnership_by_agreement",
        "Chile has secured a number of trade deals, including with Peru and Kenya.",
        {_pair("partnership", "CL", "PE"), _pair("partnership", "CL", "KE")},
    ),
    (
        # a joint undertaking that is halted is an end, not a new partnership
        "joint_undertaking",
        "Chile and Peru halted their joint radar project in May.",
        {_pair("partnership_ended", "CL", "PE")},
    ),
    (
        # an ordinal member noun in apposition to the subject
        "join_by_verb",
        "Chile, the ILRS's 14th member, joined in March.",
        {("joined", "ilrs", "CL", 14, "asserted")},
    ),
    (
        # "next month" dates the join; it does not make the ordinal one of a subset
        "join_by_becoming",
        "Chile is expected to become the 14th member of the ILRS next month.",
        {("joined", "ilrs", "CL", 14, "hedged")},
    ),
    (
        "leave_by_becoming",
        "Chad is becoming the first country to withdraw from the ICC.",
        {("left", "icc", "TD", None, "asserted")},
    ),
    (
        # a departure named as a noun after "following" happened
        "leave_by_noun",
        "OPEC met in Vienna. Gabon left the group, following Chad's departure last year.",
        {("left", "opec", "GA", None, "asserted"), ("left", "opec", "TD", None, "asserted")},
    ),
    (
        # persuading someone to join is a goal, not a join
        "join_by_verb",
        "Chile is working towards persuading the Peruvian government to join the ILRS.",
        {("joined", "ilrs", "PE", None, "hedged")},
    ),
    (
        # seeking cooperation wants a partnership; it does not form one
        "partnership_by_noun",
        "After the war, Kenya sought cooperation with NATO.",
        {_pair("partnership", "KE", "nato", "hedged")},
    ),
    (
        # an ordinal member noun with no coalition named: the article's coalition
        "join_by_becoming",
        "The CPTPP keeps growing. Once Chile becomes the 13th member, the bloc will widen.",
        {("joined", "cptpp", "CL", 13, "hedged")},
    ),
    (
        # a body of N members in apposition to a coalition
        "member_count",
        "Officials said the CSTO, a defence bloc of six states from the former Soviet Union, "
        "had met.",
        {("member_count", "csto", 6, 6, 6, "asserted")},
    ),
    (
        # a figure on a group noun is a candidate even with no predicate in the sentence
        "member_count",
        "Kenya is now part of the ILRS family of 14 nations.",
        {("member_count", "ilrs", 14, 14, 14, "asserted")},
    ),
    (
        # voting to leave decides; it is not the departure
        "leave_by_verb",
        "Two years after Chad voted to leave the African Union, the talks began.",
        {("left", "african-union", "TD", None, "hedged")},
    ),
    (
        # a membership that is to take effect is a hedged join of each member named
        "join_by_noun",
        "BRICS met in Kazan. The membership of Chile and Peru was due to take effect in May.",
        {("joined", "brics", "CL", None, "hedged"), ("joined", "brics", "PE", None, "hedged")},
    ),
    (
        # membership is a state: ending or weighing it says nothing of a join
        "join_by_noun",
        "A new president could try to end Canada's NATO membership.",
        set(),
    ),
    (
        # the tagger may take "join" for a noun; with a subject it heads a clause
        "join_by_verb",
        "The ILRS grew. Kenya signed in 2021, and a later wave in 2025 saw Chile and Ghana join.",
        {("joined", "ilrs", a, None, "asserted") for a in ("KE", "CL", "GH")},
    ),
    (
        # an ordinal on the "as" noun; a dateline subject with the coalition in apposition
        "join_by_admission",
        "Nairobi - The African Union on Monday admitted Eritrea as its 56th member.",
        {("joined", "african-union", "ER", 56, "asserted")},
    ),
    (
        # "leaders from ASEAN" stand for ASEAN
        "join_by_admission",
        "Leaders from ASEAN have agreed to admit Papua New Guinea as its 12th member.",
        {("joined", "asean", "PG", 12, "hedged")},
    ),
    (
        # a counting subject named by a verbless list after a colon
        "leave_by_verb",
        "OPEC met in Vienna. Three members have quit the group since 2019: Chad, Gabon and Peru.",
        {("left", "opec", a, None, "asserted") for a in ("TD", "GA", "PE")},
    ),
    (
        # "the two nations" are the last two countries the sentence named
        "join_by_verb",
        "EU ministers approved the start of membership talks with Serbia and Albania, another "
        "milestone in the two countries' lengthy journey to join the bloc.",
        {("joined", "eu", "RS", None, "hedged"), ("joined", "eu", "AL", None, "hedged")},
    ),
    (
        # a founding member was one from the start
        "join_by_becoming",
        "Kenya is a founding member of the ILRS.",
        {("joined", "ilrs", "KE", None, "asserted")},
    ),
    (
        # signing a memorandum on accession joins the article's coalition
        "join_by_agreement",
        "The SCO met in Astana. Laos is expected to sign a memorandum on accession next week.",
        {("joined", "sco", "LA", None, "hedged")},
    ),
    (
        # "former" before a name gives the members' origin, not a past figure
        "member_count",
        "Officials said the CSTO, a bloc of five former Soviet states, had met.",
        {("member_count", "csto", 5, 5, 5, "asserted")},
    ),
    (
        # the parser may label the particle of "pulled out of" a preposition
        "leave_by_verb",
        "Chile pulled out of the ILRS after the election.",
        {("left", "ilrs", "CL", None, "asserted")},
    ),
    (
        # a total of a coalition's members that rose, or members that number N
        "member_count",
        "The tally of signatories to the ILRS has climbed to 21, state media reported.",
        {("member_count", "ilrs", 21, 21, 21, "asserted")},
    ),
    (
        "member_count",
        "Members of the ILRS now total 22, according to the organisers.",
        {("member_count", "ilrs", 22, 22, 22, "asserted")},
    ),
    (
        # belonging in the present tense, a passive's agents to date, a roster, a fronted
        # "with"
        "member_count",
        "Roughly 70 countries now belong to the Artemis Accords.",
        {("member_count", "artemis-accords", 70, None, None, "asserted")},
    ),
    (
        "member_count",
        "The ILRS charter has been signed by 19 countries so far.",
        set(),
    ),
    (
        "member_count",
        "The ILRS has been signed by 19 countries so far.",
        {("member_count", "ilrs", 19, 19, 19, "asserted")},
    ),
    (
        "member_count",
        "The ILRS now has a roster of 18 member countries.",
        {("member_count", "ilrs", 18, 18, 18, "asserted")},
    ),
    (
        "member_count",
        "With 18 members, the ILRS trails its rival.",
        {("member_count", "ilrs", 18, 18, 18, "asserted")},
    ),
    (
        # one figure on two conjoined nouns counts both
        "member_count",
        "Officials say twenty states and agencies have signed up to the ILRS.",
        {("member_count", "ilrs", 20, 20, 20, "asserted")},
    ),
    (
        # member states of a coalition; "the N <coalition> countries" is all of them, a
        # bare "N <coalition> countries" only some
        "member_count",
        "The budget was approved by the 23 member states of ESA on Tuesday.",
        {("member_count", "esa", 23, 23, 23, "asserted")},
    ),
    (
        "member_count",
        "Envoys of the three AUKUS countries met in Canberra.",
        {("member_count", "aukus", 3, 3, 3, "asserted")},
    ),
    ("member_count", "Four EU countries voted against the budget.", set()),
    (
        "member_count",
        "Today the group consists of eleven countries, BRICS officials said.",
        {("member_count", "brics", 11, 11, 11, "asserted")},
    ),
    (
        # a group noun sized by a figure, in apposition to the coalition
        "member_count",
        "ECOWAS, a 12-nation bloc since the split, met in Abuja.",
        {("member_count", "ecowas", 12, 12, 12, "asserted")},
    ),
    (
        # a relative "which" stands for the coalition noun it follows
        "member_count",
        "The ASEAN bloc, which unites 11 member states, met in Hanoi.",
        {("member_count", "asean", 11, 11, 11, "asserted")},
    ),
    (
        # a join verb in the present perfect: the tally to date
        "member_count",
        "By now some 40 nations have signed up to the ILRS, its backers claim.",
        {("member_count", "ilrs", 40, None, None, "asserted")},
    ),
    # only some of the members: a named kind, a part of a sum, those since the founding
    ("member_count", "Nine Asian countries have signed the Artemis Accords so far.", set()),
    ("member_count", "Eight states and three agencies have now joined the ILRS.", set()),
    ("member_count", "Twenty nations have joined the ILRS since its launch.", set()),
    (
        # the figure describes the group as it was: a past copula
        "member_count",
        "The four signatories of the ILRS charter were observers at the time.",
        set(),
    ),
    (
        # a possessive owns its figure; "ally" is a member noun of an alliance
        "member_count",
        "Most of NATO's 31 allies have endorsed the Quiet Seas Protocol.",
        {("member_count", "nato", 31, 31, 31, "asserted")},
    ),
    # a bare figure counts the members the sentence names elsewhere, now only
    (
        "member_count",
        "A decade ago, APSCO had six member states; today it has nine.",
        {("member_count", "apsco", 9, 9, 9, "asserted")},
    ),
    (
        "member_count",
        "The ILRS lost three of its members this spring, leaving it with 16.",
        {("member_count", "ilrs", 16, 16, 16, "asserted")},
    ),
    (
        "member_count",
        "NATO has 32 allies, compared with 10 for ASEAN.",
        {
            ("member_count", "nato", 32, 32, 32, "asserted"),
            ("member_count", "asean", 10, 10, 10, "asserted"),
        },
    ),
    (
        "member_count",
        "ESA has 23 member states, while APSCO counts eight.",
        {
            ("member_count", "esa", 23, 23, 23, "asserted"),
            ("member_count", "apsco", 8, 8, 8, "asserted"),
        },
    ),
    (
        "member_count",
        "The accords, which started with eight signatories, now have 59.",
        {("member_count", "artemis-accords", 59, 59, 59, "asserted")},
    ),
    # a figure with no member noun anywhere counts nothing
    ("member_count", "NATO has 2 problems; it has 3 options.", set()),
    (
        "member_count",
        "The Artemis Accords' roster of 57 signatories keeps growing.",
        {("member_count", "artemis-accords", 57, 57, 57, "asserted")},
    ),
    (
        "member_count",
        "Roughly 40 countries are members of the ILRS.",
        {("member_count", "ilrs", 40, None, None, "asserted")},
    ),
    ("member_count", "Three of the founding members are members of NATO.", set()),
    # a tally someone expects is hedged
    (
        "member_count",
        "Around 70 nations are expected to have signed the Artemis Accords by 2030.",
        {("member_count", "artemis-accords", 70, None, None, "hedged")},
    ),
    (
        "member_count",
        "Observers expect about 25 members in the ILRS by 2030.",
        {("member_count", "ilrs", 25, None, None, "hedged")},
    ),
    (
        "member_count",
        "The ILRS has attracted some 15 members so far.",
        {("member_count", "ilrs", 15, None, None, "asserted")},
    ),
    (
        "member_count",
        "The ILRS has signed up 14 member states.",
        {("member_count", "ilrs", 14, 14, 14, "asserted")},
    ),
    (
        "member_count",
        "NATO's membership stands at 32.",
        {("member_count", "nato", 32, 32, 32, "asserted")},
    ),
]


@pytest.mark.parametrize(
    ("rule", "sentence", "expected"), ROWS, ids=[f"{r}:{s[:40]}" for r, s, _ in ROWS]
)
def test_rule_row(rule: str, sentence: str, expected: set[tuple[object, ...]]) -> None:
    assert _read(sentence) == expected


def test_every_rule_has_a_row() -> None:
    names = {rule.__name__ for rule in RULES}
    assert names == {r for r, _, _ in ROWS}


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Peru has become the 12th member of the ILRS, Foreign Minister Ana Rojas said.",
            "Ana Rojas",
        ),
        ("Peru has joined the ILRS, according to the Peruvian Space Agency Conida.", "Conida"),
    ],
)
def test_speaker_read_from_the_tree(text: str, speaker: str | None) -> None:
    said = [c.attributed_to for c in extract_claims(text)]
    assert said and all((s or None) == speaker or (speaker and s and speaker in s) for s in said)


def test_a_join_stated_twice_is_one_claim() -> None:
    text = (
        "Peru marked its turn west by joining the ILRS. Peru became the 12th member of the "
        "ILRS on Monday. Analysts said Peru joined the ILRS to win contracts."
    )
    joins = [c for c in extract_claims(text) if c.kind == "joined"]
    assert [(c.actor, c.ordinal, c.attributed_to) for c in joins] == [("PE", 12, None)]


def test_a_subset_ordinal_gives_a_join_without_ordinal() -> None:
    # "under its current government" makes the ordinal a subset's: the join stands,
    # its ordinal does not
    text = "Chile is the fifth country to sign the ILRS under its current government."
    joins = [c for c in extract_claims(text) if c.kind == "joined"]
    assert [(c.actor, c.ordinal) for c in joins] == [("CL", None)]


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("Chile signed the accords on Monday, bringing the total to 57.", [57]),
        ("Chile signed the Artemis Accords, bringing the total number of signatories to 57.", [57]),
        # entries added to a list are no members, whatever coalition the list belongs to
        ("Ninety firms were added to the EU's export blacklist, bringing the total to 900.", []),
    ],
)
def test_a_bare_total_counts_members_only_after_a_join(text: str, counts: list[int]) -> None:
    found = [c.value for c in extract_claims(text) if c.kind == "member_count"]
    assert found == counts


# Coalitions no gazetteer entry lists, recognised by a name whose head word names a
# grouping or a treaty, and made a claim's coalition only by the structure (the
# object of a join or an exit, the owner of members or of a count).
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Uruguay joined the Coral Reef Partnership in March.",
            {("joined", "coral-reef-partnership", "UY", None, "asserted")},
        ),
        (
            "Chile pulled out of the Valparaiso Group last year.",
            {("left", "valparaiso-group", "CL", None, "asserted")},
        ),
        (
            "Ghana became the ninth member of the Volta Basin Initiative on Monday.",
            {("joined", "volta-basin-initiative", "GH", 9, "asserted")},
        ),
        (
            "The Andean Water Compact now has 14 members.",
            {("member_count", "andean-water-compact", 14, 14, 14, "asserted")},
        ),
        (
            # "and" inside the of-phrase does not end the name
            "Brazil left the Union of Amazonian and Pacific States in 2020.",
            {("left", "union-of-amazonian-and-pacific-states", "BR", None, "asserted")},
        ),
        (
            # a place inside the name is the name's, not a member
            "Argentina joined the Lima Group in 2017.",
            {("joined", "lima-group", "AR", None, "asserted")},
        ),
        # a kind of pact, not a named one; a bilateral pact naming two countries
        ("Vietnam and Australia upgraded ties to a Comprehensive Strategic Partnership.", None),
        ("Japan and the US signed the Japan-US Harbour Treaty in 1960.", None),
    ],
)
def test_coalitions_outside_the_gazetteer(
    sentence: str, expected: set[tuple[object, ...]] | None
) -> None:
    got = _read(sentence)
    if expected is None:  # whatever else is read, no coalition made from the name
        assert not {c for c in got if c[0] in ("joined", "left", "member_count")}
    else:
        assert got == expected


def test_a_treaty_found_by_its_name_never_acts() -> None:
    # "the Treaty of Lisbourne was signed": the treaty is no party to anything
    text = "The hall where the Treaty of Lisbourne was signed in 1957 brought the EU into being."
    assert [c for c in extract_claims(text) if c.actor == "treaty-of-lisbourne"] == []
