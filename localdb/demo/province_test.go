package demo_test

// SmallProvince is a province with few applicants, to keep tests quick.
const SmallProvince = "12.066"
