"""Text encodings: Unicode, Windows-1258 and the legacy Vietnamese font encodings TCVN3 (ABC) and VNI.

Before Unicode, Vietnamese documents were typed in fonts (.VnTime, VNI-Times) that draw Vietnamese
letters in place of Western ones, so their bytes read as Windows-1252 gibberish ("TiÕng ViÖt",
"Tieáng Vieät"). Such text still turns up in plain-text exports and copied Word text. Each candidate
decoding is scored with :mod:`ingest.quality` and the one that reads as Vietnamese wins; when none
does, the file is refused with a message that says so instead of indexing gibberish.
"""
from __future__ import annotations

import re
import unicodedata

from ingest.models import IngestError
from ingest.quality import QualityScore, score_text

# TCVN3 (TCVN 5712:1993, "ABC"): one byte per precomposed lower-case letter; capitals with tone
# marks were drawn with the same bytes in a capitals font, so they decode to lower case.
_TCVN3 = {
    "¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư", "§": "Đ",
    "¨": "ă", "©": "â", "ª": "ê", "«": "ô", "¬": "ơ", "\u00ad": "ư", "®": "đ",
    "µ": "à", "¶": "ả", "·": "ã", "¸": "á", "¹": "ạ",
    "»": "ằ", "¼": "ẳ", "½": "ẵ", "¾": "ắ", "Æ": "ặ",
    "Ç": "ầ", "È": "ẩ", "É": "ẫ", "Ê": "ấ", "Ë": "ậ",
    "Ì": "è", "Î": "ẻ", "Ï": "ẽ", "Ð": "é", "Ñ": "ẹ",
    "Ò": "ề", "Ó": "ể", "Ô": "ễ", "Õ": "ế", "Ö": "ệ",
    "×": "ì", "Ø": "ỉ", "Ü": "ĩ", "Ý": "í", "Þ": "ị",
    "ß": "ò", "á": "ỏ", "â": "õ", "ã": "ó", "ä": "ọ",
    "å": "ồ", "æ": "ổ", "ç": "ỗ", "è": "ố", "é": "ộ",
    "ê": "ờ", "ë": "ở", "ì": "ỡ", "í": "ớ", "î": "ợ",
    "ï": "ù", "ñ": "ủ", "ò": "ũ", "ó": "ú", "ô": "ụ",
    "õ": "ừ", "ö": "ử", "÷": "ữ", "ø": "ứ", "ù": "ự",
    "ú": "ỳ", "û": "ỷ", "ü": "ỹ", "ý": "ý", "þ": "ỵ",
}

# VNI Windows: ơ, ư, đ and the i forms are single characters; other letters are a base vowel followed
# by a vowel mark ("â" circumflex, "ê" breve after a) and a tone character, some of which carry
# the circumflex or the breve as well.
_VNI_LETTERS = {"ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư", "ñ": "đ", "Ñ": "Đ",
                "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "Í": "Í", "Ì": "Ì", "Æ": "Ỉ", "Ó": "Ĩ", "Ò": "Ị"}
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"
_VNI_TONES = {}
for _chars, _prefix in (("ùøûõï", ""), ("áàåãä", _CIRCUMFLEX), ("éèúüë", _BREVE)):
    for _ch, _tone in zip(_chars, (_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT)):
        _VNI_TONES[_ch] = _VNI_TONES[_ch.upper()] = (_prefix, _tone)
_VNI_SEQUENCE = re.compile(r"([aeiouyơưAEIOUYƠƯ])([âÂêÊ]?)([%s]?)" % "".join(_VNI_TONES))


def _vni_syllable(match: re.Match) -> str:
    base, mark, tone = match.groups()
    out = base
    if mark:
        if mark in "âÂ" and base in "aeoAEO":
            out += _CIRCUMFLEX
        elif mark in "êÊ" and base in "aA":
            out += _BREVE
        else:
            out += mark
    if tone:
        prefix, combining = _VNI_TONES[tone]
        if prefix and (mark or (prefix == _BREVE and base not in "aA") or base not in "aeoAEO"):
            out += tone  # not a VNI sequence: keep the character
        else:
            out += prefix + combining
    return unicodedata.normalize("NFC", out)


def tcvn3_to_unicode(text: str) -> str:
    """Text typed in a TCVN3 (ABC) font and read as Windows-1252, in Unicode."""
    return "".join(_TCVN3.get(ch, ch) for ch in text)


def vni_to_unicode(text: str) -> str:
    """Text typed in a VNI font and read as Windows-1252, in Unicode."""
    text = "".join(_VNI_LETTERS.get(ch, ch) for ch in text)
    return _VNI_SEQUENCE.sub(_vni_syllable, text)


# Western characters that TCVN3 and VNI text is full of and Unicode Vietnamese never contains.
LEGACY_SIGNS = re.compile("[¡¢£¤¥¦§¨©ª«¬®µ¶·¸¹»¼½¾ÆÇÈËÎÏÑÖ×ØÜÞßäåæçëîïñöøûüþ]")


def _candidates(text: str) -> dict[str, str]:
    return {"TCVN3": tcvn3_to_unicode(text), "VNI": vni_to_unicode(text)}


def repair_legacy_text(text: str) -> tuple[str, str]:
    """(text, encoding name) with legacy-font text converted when that clearly reads better.

    Unicode Vietnamese passes through untouched (name ""); conversion only happens when the text
    as given is not Vietnamese and a legacy reading is.
    """
    if not LEGACY_SIGNS.search(text):
        return text, ""  # none of the characters legacy fonts produce and Vietnamese never uses
    current = score_text(text)
    if not current.garbled:
        return text, ""
    best_name, best_text, best = "", text, current
    for name, converted in _candidates(text).items():
        score = score_text(converted)
        if not score.garbled and _better(score, best):
            best_name, best_text, best = name, converted, score
    return best_text, best_name


def _better(a: QualityScore, b: QualityScore) -> bool:
    return (a.syllable_share + a.diacritic_share) > (b.syllable_share + b.diacritic_share) + 0.1


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a plain-text file: (text, the encoding it was in).

    UTF-8 and UTF-16 (with a byte order mark) are taken as they are; other bytes are tried as
    Windows-1258, TCVN3 and VNI, and the reading that is Vietnamese wins. Raises
    :class:`IngestError` when no reading is.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        repaired, legacy = repair_legacy_text(text)
        return repaired, legacy or "UTF-8"
    western = data.decode("cp1252", errors="replace")
    readings = {"Windows-1258": unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))}
    readings.update(_candidates(western))
    scored = {name: score_text(text) for name, text in readings.items()}
    name = max(scored, key=lambda n: scored[n].syllable_share + scored[n].diacritic_share)
    if scored[name].garbled:
        raise IngestError(
            "text file is not UTF-8 and does not read as Vietnamese in Windows-1258, TCVN3 or VNI; "
            "convert it to UTF-8"
        )
    return readings[name], name
