{
  "targets": [
    {
      "target_name": "shm_inspector",
      "sources": [
        "src/binding.cc",
        "src/channel-sampler.cc",
        "src/directory-scan.cc",
        "src/process-table.cc",
        "src/maps-query.cc",
        "src/shm-snapshot.cc",
        "src/segment-create.cc",
        "src/segment-unlink.cc",
        "src/srb-traffic.cc",
        "src/errno-name.cc",
        "src/file-read.cc",
        "src/name-escape.cc",
        "src/live-events.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-O2", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions"]
    }
  ]
}
