"""English language pack: cue words of English-language news pages."""

from storyline.lang.base import LanguagePack

PACK = LanguagePack.build(
    "en",
    navigation=[
        "Home", "Menu", "Search", "Navigation", "Back", "Next", "Previous", "Back to top",
        "Skip to content", "Skip to main content", "Sign in", "Sign up", "Log in", "Log out",
        "Register", "Subscribe", "Newsletter", "Newsletters", "Imprint", "Privacy policy",
        "Contact", "Contact us", "Terms of use", "More", "See all", "Show more", "Show less",
        "Print", "Close", "Play video", "Listen to this article", "Listen", "Read more",
        "Sections", "Topics", "Podcast", "Podcasts", "Videos", "Gallery", "Live", "Trending",
        "Most read", "Most popular", "Latest news", "Comments", "Leave a comment",
        "View comments", "Advertise with us", "About us", "Follow us", "Share",
    ],
    related_headers=[
        "Read more", "Related", "Related articles", "Related stories", "Related coverage",
        "More on this story", "More from", "More stories", "You may also like",
        "You might also like", "Recommended", "Recommended for you", "Read next",
        "Also read", "See also", "Most read", "Most popular", "Top stories", "Latest stories",
        "More in", "Trending now", "Editor's picks", "What to read next",
    ],
    share_contains=[
        "share this article", "share on facebook", "share on twitter", "share via email",
        "copy link", "copy to clipboard", "copied", "embed", "whatsapp", "facebook",
        "twitter", "linkedin", "pinterest", "reddit", "email this", "print this",
        "save article", "close button", "share this",
    ],
    advertisement=[
        "Advertisement", "Ad", "Ads", "Sponsored", "Sponsored content", "Promoted",
        "Paid content", "Partner content", "Skip advertisement", "Story continues below "
        "advertisement", "Continue reading below", "Scroll to continue with content",
    ],
    legal_contains=[
        "cookies", "cookie settings", "privacy policy", "all rights reserved",
        "sign up for our newsletter", "subscribe to our newsletter", "enable javascript",
        "ad blocker", "adblocker", "subscribers only", "already a subscriber",
        "this material may not be published",
    ],
    counter_re=(
        r"^\d[\d.,]*\s*(?:comments?|interactions?|reactions?|likes?|shares?|views?|"
        r"reads?|min(?:ute)?s? read)$"
    ),
    key_point_headers=[
        "Key points", "Key takeaways", "In brief", "At a glance", "Summary",
        "What you need to know", "The big picture", "Highlights", "Main points",
    ],
    byline_re=r"^(?:by|written by|reporting by|words by)\s+(?P<name>.{2,120})$",
    byline_joiners=["with", "and", "/", ",", "&"],
    caption_markers=[
        "(file photo)", "(file)", "(archive)", "photo:", "image:", "picture:", "(photo:",
        "(image:", "source:", "© ",
    ],
    credit_prefixes=[
        "Copyright", "©", "Photo:", "Photos:", "Image:", "Images:", "Picture:", "Source:",
        "Credit:", "Illustration:", "Video:", "Graphic:",
    ],
    function_words=[
        "the", "a", "an", "and", "or", "but", "not", "is", "are", "was", "were", "has", "have",
        "had", "will", "would", "be", "been", "it", "he", "she", "they", "we", "i", "with",
        "of", "to", "in", "on", "for", "at", "by", "from", "as", "that", "this", "which",
        "who", "said", "says", "also", "its", "their", "his", "her",
    ],
    months={
        "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
        "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
        "jan.": 1, "feb.": 2, "mar.": 3, "apr.": 4, "jun.": 6, "jul.": 7, "aug.": 8,
        "sep.": 9, "sept.": 9, "oct.": 10, "nov.": 11, "dec.": 12,
    },
)
