// libcurl (Debian's libcurl4-openssl-dev). curl_easy_setopt/getinfo are variadic, which Swift
// cannot call, so these typed inline wrappers are the only way in.
#include <curl/curl.h>

static inline CURLcode pytrack_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode pytrack_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode pytrack_curl_setopt_str(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode pytrack_curl_setopt_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode pytrack_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*pytrack_curl_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode pytrack_curl_setopt_datacb(CURL *h, CURLoption o, pytrack_curl_data_cb v) { return curl_easy_setopt(h, o, v); }
typedef int (*pytrack_curl_xfer_cb)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode pytrack_curl_setopt_xfercb(CURL *h, CURLoption o, pytrack_curl_xfer_cb v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode pytrack_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode pytrack_curl_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode pytrack_curl_getinfo_str(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
