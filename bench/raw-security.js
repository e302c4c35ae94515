// The security objects of the benchmark mesh as raw ApiObjects, mirroring what MtlsNamespace
// and the authorization construct emit. Filled in once those constructs exist.
'use strict';
module.exports = { rawSecurity: undefined };
