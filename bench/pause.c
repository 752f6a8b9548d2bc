/* pause: a static program that only waits: the memory floor of any supervisor. */
#include <unistd.h>

int main(void)
{
  for (;;) pause();
}
